import { describe, expect, it } from 'vitest';
import { checkAmountAnomaly, checkNewVendorAmount } from './anomalies.ts';
import type { EarlierInvoice } from './check-result.ts';
import { DEFAULT_SETTINGS, makeInput, readExpected } from './test-input.ts';

/** Netpresse: gross 41.40 EUR, issued 2022-11-28. */
const VALUES = readExpected('invoice2data/tests/compare/NetpresseInvoice.pdf.expected.json');

function history(amounts: string[]): EarlierInvoice[] {
  return amounts.map((gross, i) => ({
    caseId: `c-${i}`,
    sha256: String(i).repeat(64),
    sellerName: String(VALUES.seller_name),
    sellerVatId: VALUES.seller_vat_id as string | undefined,
    invoiceNumber: `OLD-${i}`,
    grossTotal: gross,
    currency: 'EUR',
  }));
}

describe('checkAmountAnomaly', () => {
  it('passes an amount close to the vendor median', () => {
    const result = checkAmountAnomaly(
      makeInput(VALUES, {}, { earlier: history(['39.90', '41.40', '45.00']) }),
    );
    expect(result).toMatchObject({ result: 'pass', evidence: { medianGross: '41.40' } });
  });

  it('holds an amount above three times the median with AMOUNT_ANOMALY', () => {
    const values = { ...VALUES, gross_total: '1241.40' };
    const result = checkAmountAnomaly(
      makeInput(values, {}, { earlier: history(['39.90', '41.40', '45.00', '40.00']) }),
    );
    expect(result).toMatchObject({
      code: 'AMOUNT_ANOMALY',
      evidence: { medianGross: '40.70', factor: '3' },
    });
  });

  it('needs enough history and ignores other currencies and credit notes', () => {
    expect(checkAmountAnomaly(makeInput(VALUES, {}, { earlier: history(['1', '1']) }))).toBeNull();
    const usd = history(['1', '1', '1']).map((e) => ({ ...e, currency: 'USD' }));
    expect(checkAmountAnomaly(makeInput(VALUES, {}, { earlier: usd }))).toBeNull();
    expect(
      checkAmountAnomaly(
        makeInput(VALUES, { documentKind: 'credit-note' }, { earlier: history(['1', '1', '1']) }),
      ),
    ).toBeNull();
  });
});

describe('checkNewVendorAmount', () => {
  const large = { ...VALUES, gross_total: '7500.00' };

  it('holds a first invoice at or above the limit with NEW_VENDOR_LARGE_AMOUNT', () => {
    const result = checkNewVendorAmount(makeInput(large));
    expect(result).toMatchObject({
      code: 'NEW_VENDOR_LARGE_AMOUNT',
      evidence: { limit: '5000', earlierInvoices: 0 },
    });
  });

  it('passes a vendor with history, a vendor in the master, and a small amount', () => {
    expect(checkNewVendorAmount(makeInput(large, {}, { earlier: history(['10']) }))?.result).toBe(
      'pass',
    );
    const vendors = [{ id: 'V-1', name: String(VALUES.seller_name), status: 'active' as const }];
    expect(checkNewVendorAmount(makeInput(large, {}, { vendors }))?.result).toBe('pass');
    expect(checkNewVendorAmount(makeInput(VALUES))?.result).toBe('pass');
  });

  it('holds a large first invoice of a vendor entered in the master shortly before it', () => {
    const vendor = { id: 'V-9', name: String(VALUES.seller_name), status: 'active' as const };
    const created = [{ ...vendor, createdOn: '2022-11-10' }];
    const result = checkNewVendorAmount(makeInput(large, {}, { vendors: created }));
    expect(result).toMatchObject({
      code: 'NEW_VENDOR_LARGE_AMOUNT',
      evidence: { inVendorMaster: true, vendorCreatedOn: '2022-11-10' },
    });
    expect(result?.reason).toContain('entered in the vendor master on 2022-11-10');
  });

  it('treats a vendor entered longer ago than newVendorDays, or with invoices, as known', () => {
    const vendor = { id: 'V-9', name: String(VALUES.seller_name), status: 'active' as const };
    const old = [{ ...vendor, createdOn: '2022-06-01' }];
    expect(checkNewVendorAmount(makeInput(large, {}, { vendors: old }))?.result).toBe('pass');
    const recent = [{ ...vendor, createdOn: '2022-11-10' }];
    const known = { vendors: recent, earlier: history(['10']) };
    expect(checkNewVendorAmount(makeInput(large, {}, known))?.result).toBe('pass');
    const shortWindow = { vendors: recent, settings: { ...DEFAULT_SETTINGS, newVendorDays: 7 } };
    expect(checkNewVendorAmount(makeInput(large, {}, shortWindow))?.result).toBe('pass');
  });
});
