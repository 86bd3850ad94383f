import { describe, expect, it } from 'vitest';
import type { VendorRecord } from './check-result.ts';
import { checkPaymentTerms } from './payment-terms.ts';
import { makeInput, readExpected } from './test-input.ts';
import { checkVendorMaster } from './vendor-master.ts';

/** ZUGFeRD EN16931_Einfach: Lieferant GmbH, DE123456789, issued 2018-03-05. */
const VALUES = readExpected(
  'zugferd-corpus/XML-Rechnung/CII/EN16931_Einfach.cii.xml.expected.json',
);

const LIEFERANT: VendorRecord = {
  id: 'V-1001',
  name: 'Lieferant GmbH',
  vatId: 'DE123456789',
  status: 'active',
  paymentTermsDays: 30,
};

function check(vendors: VendorRecord[] | undefined, values: Record<string, unknown> = VALUES) {
  return checkVendorMaster(makeInput(values, { method: 'cii' }, { vendors }));
}

describe('checkVendorMaster', () => {
  it('is skipped when no vendor master is given', () => {
    expect(check(undefined)).toBeNull();
  });

  it('passes a known active vendor matched by VAT id', () => {
    expect(VALUES.seller_name).toBe('Lieferant GmbH');
    expect(check([LIEFERANT])).toMatchObject({
      result: 'pass',
      evidence: { vendorId: 'V-1001', matchedBy: 'vat-id' },
    });
  });

  it('holds an unknown seller with VENDOR_UNKNOWN', () => {
    const result = check([{ ...LIEFERANT, name: 'Other', vatId: 'DE000000000' }]);
    expect(result?.code).toBe('VENDOR_UNKNOWN');
    expect(result?.reason).toContain(
      'seller "Lieferant GmbH" (VAT id DE123456789) is not in the vendor master',
    );
  });

  it('holds a blocked vendor with VENDOR_BLOCKED and the reason on file', () => {
    const result = check([
      { ...LIEFERANT, status: 'blocked', blockedReason: 'insolvency 2024-02' },
    ]);
    expect(result?.code).toBe('VENDOR_BLOCKED');
    expect(result?.reason).toContain(
      'vendor V-1001 (Lieferant GmbH) is blocked: insolvency 2024-02',
    );
  });

  it('holds a name match whose printed VAT id differs with VAT_ID_MISMATCH', () => {
    const result = check([{ ...LIEFERANT, vatId: 'DE987654321' }]);
    expect(result).toMatchObject({
      code: 'VAT_ID_MISMATCH',
      evidence: { printedVatId: 'DE123456789', masterVatId: 'DE987654321' },
    });
  });

  it('matches aliases', () => {
    const vendor = {
      ...LIEFERANT,
      name: 'Lieferant Holding',
      aliases: ['LIEFERANT'],
      vatId: undefined,
    };
    expect(check([vendor], { ...VALUES, seller_vat_id: undefined })?.result).toBe('pass');
  });
});

describe('checkPaymentTerms', () => {
  const values = { ...VALUES, issue_date: '2018-03-05', due_date: '2018-03-15' };

  it('holds a due date sooner than the agreed term with PAYMENT_TERMS_MISMATCH', () => {
    const result = checkPaymentTerms(makeInput(values, {}, { vendors: [LIEFERANT] }));
    expect(result).toMatchObject({
      code: 'PAYMENT_TERMS_MISMATCH',
      evidence: { invoiceTermDays: 10, masterTermDays: 30 },
    });
  });

  it('passes a due date at or after the term, and is skipped without a term', () => {
    expect(
      checkPaymentTerms(
        makeInput({ ...values, due_date: '2018-04-04' }, {}, { vendors: [LIEFERANT] }),
      )?.result,
    ).toBe('pass');
    expect(
      checkPaymentTerms(
        makeInput(values, {}, { vendors: [{ ...LIEFERANT, paymentTermsDays: undefined }] }),
      ),
    ).toBeNull();
  });
});
