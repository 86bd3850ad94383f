import { describe, expect, it } from 'vitest';
import { checkDocumentKind } from './document-kind.ts';
import { checkFieldConfidence, checkRequiredFields } from './required-fields.ts';
import { makeInput, readExpected } from './test-input.ts';

const AZURE = 'invoice2data/tests/compare/AzureInterior.pdf.expected.json';
const RECEIPT = 'sroie/data/img/375.jpg.expected.json';

describe('checkRequiredFields', () => {
  it('passes a complete invoice from the corpus', () => {
    const result = checkRequiredFields(makeInput(readExpected(AZURE), { method: 'pdf-text' }));
    expect(result).toMatchObject({ rule: 'required-fields', code: 'OK', result: 'pass' });
  });

  it('holds a scanned receipt without number and currency with FIELD_MISSING', () => {
    const result = checkRequiredFields(
      makeInput(readExpected(RECEIPT), { method: 'ocr', caseId: 'c-375' }),
    );
    expect(result.code).toBe('FIELD_MISSING');
    expect(result.evidence.missing).toEqual(['invoice_number', 'currency']);
    expect(result.reason).toContain('case c-375');
    expect(result.reason).toContain('invoice_number, currency');
  });

  it('requires tax once net is stated, and net once tax is', () => {
    const { tax_total: _tax, ...noTax } = readExpected(AZURE);
    expect(checkRequiredFields(makeInput(noTax)).evidence.missing).toEqual(['tax_total']);
    const { net_total: _net, ...noNet } = readExpected(AZURE);
    expect(checkRequiredFields(makeInput(noNet)).evidence.missing).toEqual(['net_total']);
  });

  it('counts a blank value as missing', () => {
    const result = checkRequiredFields(makeInput({ ...readExpected(AZURE), invoice_number: '  ' }));
    expect(result).toMatchObject({
      code: 'FIELD_MISSING',
      evidence: { missing: ['invoice_number'] },
    });
  });
});

describe('checkFieldConfidence', () => {
  it('holds OCR values read below the minimum with FIELD_LOW_CONFIDENCE', () => {
    const input = makeInput(readExpected(AZURE), { method: 'ocr', confidence: 0.42 });
    const result = checkFieldConfidence(input);
    expect(result.code).toBe('FIELD_LOW_CONFIDENCE');
    expect(result.reason).toContain('invoice_number "INV/2023/03/0008" (0.42)');
    expect(result.evidence.minConfidence).toBe(0.5);
  });

  it('passes values at exactly the minimum', () => {
    const input = makeInput(readExpected(AZURE), { method: 'ocr', confidence: 0.5 });
    expect(checkFieldConfidence(input).result).toBe('pass');
  });

  it('ignores low confidence on fields that are not required', () => {
    const input = makeInput(readExpected(AZURE));
    input.extraction.fields.buyer_name = {
      value: 'Mitchell Admin',
      confidence: 0.1,
      source: 'text',
    };
    expect(checkFieldConfidence(input).result).toBe('pass');
  });
});

describe('checkDocumentKind', () => {
  it('passes invoices and credit notes', () => {
    const creditNote = readExpected(
      'en16931-cef/ubl/examples/ubl-tc434-creditnote1.xml.expected.json',
    );
    expect(checkDocumentKind(makeInput(creditNote, { documentKind: 'credit-note' })).result).toBe(
      'pass',
    );
  });

  it.each([
    ['other', 'an'],
    ['reminder', 'a'],
    ['remittance-advice', 'a'],
  ] as const)('holds a document of kind %s with NOT_AN_INVOICE', (kind, article) => {
    const result = checkDocumentKind(makeInput({}, { documentKind: kind, caseId: 'c-9' }));
    expect(result).toMatchObject({
      code: 'NOT_AN_INVOICE',
      result: 'hold',
      evidence: { documentKind: kind },
    });
    expect(result.reason).toBe(
      `Case c-9 is ${article} ${kind}, not an invoice or credit note, and is not posted.`,
    );
  });
});

describe('missing tax on tax-free invoices', () => {
  it('accepts no tax line when net equals gross (QualityHosting.pdf, B2B export)', () => {
    const values = readExpected('invoice2data/tests/compare/QualityHosting.pdf.expected.json');
    expect(values.tax_total).toBeUndefined();
    expect(checkRequiredFields(makeInput({ ...values, gross_total: '34.7300' })).result).toBe(
      'pass',
    );
    expect(checkRequiredFields(makeInput({ ...values, gross_total: '41.33' })).code).toBe(
      'FIELD_MISSING',
    );
  });
});
