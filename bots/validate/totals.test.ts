import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeInput, readExpected } from './test-input.ts';
import { checkTotals, totalsAddUp } from './totals.ts';

/** Amounts in cents as decimal strings, negative ones included (corrective invoices). */
const cents = fc
  .integer({ min: -10_000_000, max: 10_000_000 })
  .map((c) => new Decimal(c).div(100).toFixed(2));
const tolerance = fc.integer({ min: 0, max: 500 }).map((c) => new Decimal(c).div(100).toFixed(2));

describe('checkTotals', () => {
  it('passes the corpus invoice 01.01a: 314.86 + 22.04 = 336.90', () => {
    const values = readExpected(
      'xrechnung-testsuite/src/test/business-cases/standard/01.01a-INVOICE_ubl.xml.expected.json',
    );
    const result = checkTotals(makeInput(values));
    expect(result).toMatchObject({
      result: 'pass',
      evidence: { netPlusTax: '336.90', difference: '0.00' },
    });
  });

  it('holds a misread gross with TOTALS_MISMATCH naming all values', () => {
    const values = {
      ...readExpected('invoice2data/tests/compare/AzureInterior.pdf.expected.json'),
      gross_total: '279.48',
    };
    const result = checkTotals(makeInput(values, { caseId: 'c-azure' }));
    expect(result.code).toBe('TOTALS_MISMATCH');
    expect(result.reason).toBe(
      'Invoice INV/2023/03/0008 of Azure Interior (case c-azure): gross 279.48 is not net 262.90 + tax 16.94 = 279.84 (difference 0.36, tolerance 0.01).',
    );
  });

  it('is exact where floats are not: 0.1 + 0.2 = 0.3 with zero tolerance', () => {
    const input = makeInput({ net_total: '0.1', tax_total: '0.2', gross_total: '0.3' });
    expect(
      checkTotals({ ...input, settings: { ...input.settings, totalsTolerance: '0' } }).result,
    ).toBe('pass');
  });

  it('holds totals that are not amounts', () => {
    const result = checkTotals(
      makeInput({ net_total: '1.234,50', tax_total: '0', gross_total: '1234.50' }),
    );
    expect(result.code).toBe('TOTALS_MISMATCH');
  });

  it('passes when only a gross is stated', () => {
    expect(checkTotals(makeInput({ gross_total: '9.00' })).result).toBe('pass');
  });

  it('accepts exactly the differences within the tolerance (property)', () => {
    fc.assert(
      fc.property(cents, cents, cents, tolerance, (net, tax, gross, tol) => {
        const difference = new Decimal(net).plus(tax).minus(gross).abs();
        const input = makeInput({ net_total: net, tax_total: tax, gross_total: gross });
        const result = checkTotals({
          ...input,
          settings: { ...input.settings, totalsTolerance: tol },
        });
        expect(result.result === 'pass').toBe(difference.lte(tol));
      }),
    );
  });

  it('accepts gross = net + tax + any offset within the tolerance, boundary included (property)', () => {
    fc.assert(
      fc.property(cents, cents, tolerance, fc.boolean(), (net, tax, tol, up) => {
        const gross = new Decimal(net).plus(tax)[up ? 'plus' : 'minus'](tol).toFixed(2);
        expect(totalsAddUp(net, tax, gross, tol)).toBe(true);
        const outside = new Decimal(gross)[up ? 'plus' : 'minus']('0.01').toFixed(2);
        expect(totalsAddUp(net, tax, outside, tol)).toBe(false);
      }),
    );
  });
});
