import { describe, expect, it } from 'vitest';
import type { EarlierInvoice } from './check-result.ts';
import { checkDuplicate } from './duplicate-invoice.ts';
import { makeInput, readExpected } from './test-input.ts';

/** XRechnung 01.01a: seller DE123456789, number 123456XX, gross 336.90, issued 2016-04-04. */
const VALUES = readExpected(
  'xrechnung-testsuite/src/test/business-cases/standard/01.01a-INVOICE_ubl.xml.expected.json',
);

const EARLIER: EarlierInvoice = {
  caseId: 'case-old',
  sha256: 'a'.repeat(64),
  sellerName: '[Seller name]',
  sellerVatId: 'DE123456789',
  invoiceNumber: '123456XX',
  grossTotal: '336.90',
  currency: 'EUR',
  issueDate: '2016-04-04',
  channel: 'mail',
};

function check(
  earlier: EarlierInvoice[],
  values = VALUES,
  documentKind: 'invoice' | 'credit-note' = 'invoice',
) {
  return checkDuplicate(makeInput(values, { documentKind }, { earlier }));
}

describe('checkDuplicate', () => {
  it('holds the same invoice re-sent as another file with DUPLICATE_INVOICE and the earlier case', () => {
    const result = check([EARLIER]);
    expect(result).toMatchObject({
      code: 'DUPLICATE_INVOICE',
      evidence: { earlierCaseId: 'case-old', match: 'same-number' },
    });
    expect(result.reason).toContain(
      'matches earlier case case-old (same-number: number 123456XX, gross 336.90, issued 2016-04-04 via mail)',
    );
  });

  it('holds the same file arriving again with DUPLICATE_INVOICE', () => {
    const result = check([{ ...EARLIER, sha256: 'f'.repeat(64), invoiceNumber: 'other' }]);
    expect(result.evidence.match).toBe('same-file');
  });

  it('finds the number again in another format and with the VAT id spaced', () => {
    expect(
      check([{ ...EARLIER, invoiceNumber: '123456-xx', sellerVatId: 'DE 123 456 789' }]).code,
    ).toBe('DUPLICATE_INVOICE');
  });

  it('falls back to the seller name when one side has no VAT id', () => {
    expect(check([{ ...EARLIER, sellerVatId: undefined, sellerName: '[SELLER NAME]' }]).code).toBe(
      'DUPLICATE_INVOICE',
    );
    expect(check([{ ...EARLIER, sellerVatId: undefined, sellerName: 'Someone else' }]).result).toBe(
      'pass',
    );
  });

  it('passes the same number from another seller', () => {
    expect(check([{ ...EARLIER, sellerVatId: 'DE999999999' }]).result).toBe('pass');
  });

  it('ignores the case itself among the earlier ones', () => {
    expect(check([{ ...EARLIER, caseId: 'case-new', sha256: 'f'.repeat(64) }]).result).toBe('pass');
  });

  it('does not take a credit note for a duplicate of the invoice it corrects', () => {
    expect(check([{ ...EARLIER, documentKind: 'invoice' }], VALUES, 'credit-note').result).toBe(
      'pass',
    );
  });

  it('holds an OCR-garbled number with the same amount as POSSIBLE_DUPLICATE', () => {
    const values = { ...VALUES, invoice_number: 'RE-2023-0O42' };
    const result = check([{ ...EARLIER, invoiceNumber: '2023/42' }], values);
    expect(result).toMatchObject({
      code: 'POSSIBLE_DUPLICATE',
      evidence: { match: 'similar-number' },
    });
  });

  it('passes a similar number with another amount outside the window', () => {
    const values = { ...VALUES, invoice_number: 'RE-2023-0042' };
    expect(
      check(
        [{ ...EARLIER, invoiceNumber: '2023/42', grossTotal: '12.00', issueDate: '2016-01-01' }],
        values,
      ).result,
    ).toBe('pass');
  });

  it('holds the same amount from the same seller within the date window', () => {
    const values = { ...VALUES, invoice_number: '777' };
    const near = check([{ ...EARLIER, issueDate: '2016-04-09' }], values);
    expect(near).toMatchObject({
      code: 'POSSIBLE_DUPLICATE',
      evidence: { match: 'same-amount-in-window' },
    });
    expect(check([{ ...EARLIER, issueDate: '2016-04-12' }], values).result).toBe('pass');
    expect(check([{ ...EARLIER, issueDate: '2016-04-09', currency: 'USD' }], values).result).toBe(
      'pass',
    );
  });

  it('reports the strongest match first when several earlier cases resemble it', () => {
    const result = check([
      { ...EARLIER, caseId: 'c-window', invoiceNumber: '777', issueDate: '2016-04-05' },
      { ...EARLIER, caseId: 'c-exact' },
    ]);
    expect(result.evidence.earlierCaseId).toBe('c-exact');
    expect((result.evidence.findings as unknown[]).length).toBe(2);
  });
});
