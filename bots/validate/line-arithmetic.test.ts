import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLineItems, checkTaxRate, linesAddUp } from './line-arithmetic.ts';
import { makeInput, readExpected } from './test-input.ts';

const AZURE = readExpected('invoice2data/tests/compare/AzureInterior.pdf.expected.json');
const COOLBLUE = readExpected('invoice2data/tests/compare/coolblue1.pdf.expected.json');
const RABATTE = readExpected(
  'zugferd-corpus/XML-Rechnung/CII/EN16931_Rabatte.cii.xml.expected.json',
);

describe('checkLineItems', () => {
  it('passes the four Azure Interior lines adding up to net 262.90', () => {
    const result = checkLineItems(makeInput(AZURE, { method: 'pdf-text' }));
    expect(result).toMatchObject({ result: 'pass', evidence: { linesSum: '262.90' } });
  });

  it('passes lines with VAT-inclusive prices adding up to gross (coolblue without its levy line)', () => {
    const lines = (COOLBLUE.line_items as unknown[]).slice(0, 5);
    expect(
      checkLineItems(makeInput({ ...COOLBLUE, line_items: lines }, { method: 'pdf-text' })).result,
    ).toBe('pass');
  });

  // TODO: coolblue1.pdf prints an "Incl. Thuiskopieheffing" sub-line (4.24) that is already inside
  // the article above it, so the lines over-count and the rule holds a correct invoice. Extraction
  // could mark such "Incl." sub-lines; until then a person clears the hold.
  it.fails('passes coolblue1.pdf as printed, with its included levy sub-line', () => {
    expect(checkLineItems(makeInput(COOLBLUE, { method: 'pdf-text' })).result).toBe('pass');
  });

  it('holds a misread line with LINES_MISMATCH', () => {
    const lines = (AZURE.line_items as Array<Record<string, string>>).map((l, i) =>
      i === 3 ? { ...l, line_total: '15.00' } : l,
    );
    const result = checkLineItems(
      makeInput({ ...AZURE, line_items: lines }, { method: 'ocr', caseId: 'c-1' }),
    );
    expect(result.code).toBe('LINES_MISMATCH');
    expect(result.reason).toBe(
      'Invoice INV/2023/03/0008 of Azure Interior (case c-1): the 4 lines add up to 127.90, not to net 262.90 or gross 279.84.',
    );
  });

  it('does not compare an e-invoice, whose document-level allowances sit between lines and net', () => {
    const result = checkLineItems(makeInput(RABATTE, { method: 'cii' }));
    expect(result.result).toBe('pass');
    expect(result.reason).toContain('structured e-invoice');
  });

  it('passes when a line has no total', () => {
    const lines = [{ description: 'x', quantity: '1' }];
    expect(
      checkLineItems(makeInput({ ...AZURE, line_items: lines }, { method: 'ocr' })).result,
    ).toBe('pass');
  });

  it('accepts any split of the net into lines, and rejects one cent more beyond the tolerance (property)', () => {
    const centsList = fc.array(fc.integer({ min: -50_000, max: 500_000 }), {
      minLength: 1,
      maxLength: 30,
    });
    fc.assert(
      fc.property(centsList, (cents) => {
        const lines = cents.map((c) => ({ line_total: new Decimal(c).div(100).toFixed(2) }));
        const net = new Decimal(cents.reduce((a, b) => a + b, 0)).div(100).toFixed(2);
        expect(linesAddUp(lines, net, undefined, '0')).toBe(true);
        expect(linesAddUp(lines, new Decimal(net).plus('0.01').toFixed(2), undefined, '0')).toBe(
          false,
        );
        const offByAllowed = new Decimal(net)
          .plus(new Decimal('0.01').times(lines.length))
          .toFixed(2);
        expect(linesAddUp(lines, offByAllowed, undefined, '0.01')).toBe(true);
      }),
    );
  });
});

describe('checkTaxRate', () => {
  const settings = {
    totalsTolerance: '0.01',
    minConfidence: 0.5,
    duplicateWindowDays: 7,
    allowedTaxRatesPercent: ['0', '7', '19'],
  };

  it('passes a blended 7 % and 19 % invoice (EN16931_Rabatte, 10.99 %)', () => {
    const result = checkTaxRate(makeInput(RABATTE, {}, { settings }));
    expect(result).toMatchObject({ result: 'pass', evidence: { ratePercent: '10.99' } });
  });

  it('holds a rate above the highest allowed rate with TAX_RATE_NOT_ALLOWED', () => {
    const result = checkTaxRate(makeInput(COOLBLUE, {}, { settings }));
    expect(result).toMatchObject({ code: 'TAX_RATE_NOT_ALLOWED', evidence: { ratePercent: '21' } });
  });

  it('is skipped when no rates are configured', () => {
    expect(checkTaxRate(makeInput(COOLBLUE))).toBeNull();
  });

  it('passes any tax computed at an allowed rate and rounded to cents (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.constantFrom('0', '7', '19'),
        (netCents, rate) => {
          const net = new Decimal(netCents).div(100);
          const tax = net.times(rate).div(100).toDecimalPlaces(2);
          const input = makeInput(
            { net_total: net.toFixed(2), tax_total: tax.toFixed(2) },
            {},
            { settings },
          );
          expect(checkTaxRate(input)?.result).toBe('pass');
        },
      ),
    );
  });
});
