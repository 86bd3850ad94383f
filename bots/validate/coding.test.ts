import { describe, expect, it } from 'vitest';
import type { EarlierInvoice, VendorRecord } from './check-result.ts';
import { checkCoding } from './coding.ts';
import type { PurchaseOrder } from './master-types.ts';
import { makeInput, readExpected } from './test-input.ts';

/** XRechnung 01.01a: seller "[Seller name]", VAT id DE123456789, gross 336.90. */
const VALUES = readExpected(
  'xrechnung-testsuite/src/test/business-cases/standard/01.01a-INVOICE_ubl.xml.expected.json',
);

const VENDOR: VendorRecord = {
  id: 'V-100',
  name: '[Seller name]',
  vatId: 'DE123456789',
  status: 'active',
};

const ORDER: PurchaseOrder = {
  number: '4500000042',
  vendorId: 'V-100',
  glAccount: '5400',
  costCentre: 'CC-PROD',
  lines: [{ lineNo: '10', quantity: '1', unitPrice: '314.86' }],
};

const coded = (caseId: string, glAccount: string, costCentre?: string): EarlierInvoice => ({
  caseId,
  sha256: caseId.padEnd(64, '0'),
  sellerVatId: 'DE123456789',
  grossTotal: '100.00',
  glAccount,
  ...(costCentre ? { costCentre } : {}),
});

describe('checkCoding (V6)', () => {
  it('codes from the purchase order the invoice quotes', () => {
    const result = checkCoding(
      makeInput(
        { ...VALUES, order_reference: '4500000042' },
        {},
        { vendors: [{ ...VENDOR, glAccount: '6000' }], purchaseOrders: [ORDER] },
      ),
    );
    expect(result).toMatchObject({
      result: 'pass',
      evidence: {
        glAccount: '5400',
        costCentre: 'CC-PROD',
        source: 'purchase-order',
        poNumber: '4500000042',
      },
    });
  });

  it("falls back to the vendor's default coding without an order", () => {
    const result = checkCoding(
      makeInput(VALUES, {}, { vendors: [{ ...VENDOR, glAccount: '6000', costCentre: 'CC-ADM' }] }),
    );
    expect(result?.evidence).toMatchObject({
      glAccount: '6000',
      costCentre: 'CC-ADM',
      source: 'vendor-master',
      vendorId: 'V-100',
    });
  });

  it("takes the coding most of the seller's earlier invoices had", () => {
    const earlier = [
      coded('c-1', '6300', 'CC-IT'),
      coded('c-2', '6815'),
      coded('c-3', '6300', 'CC-IT'),
      { ...coded('c-4', '9999'), sellerVatId: 'FR00000000000' },
    ];
    const result = checkCoding(makeInput(VALUES, {}, { vendors: [VENDOR], earlier }));
    expect(result).toMatchObject({
      result: 'pass',
      evidence: {
        glAccount: '6300',
        costCentre: 'CC-IT',
        source: 'vendor-history',
        historyCaseIds: ['c-1', 'c-2', 'c-3'],
        sameCodingCount: 2,
      },
    });
  });

  it('holds with CODING_UNRESOLVED when nothing proposes an account', () => {
    const result = checkCoding(makeInput(VALUES, {}, { vendors: [VENDOR] }));
    expect(result).toMatchObject({ result: 'hold', code: 'CODING_UNRESOLVED' });
    expect(result?.reason).toContain('no purchase order, vendor default or earlier invoice');
  });

  it('holds a proposal outside the chart of accounts or the cost centres', () => {
    const base = { ...VALUES, order_reference: '4500000042' };
    const accounts = [{ id: '6815', name: 'Office supplies' }];
    const byAccount = checkCoding(
      makeInput(base, {}, { purchaseOrders: [ORDER], glAccounts: accounts }),
    );
    expect(byAccount).toMatchObject({ code: 'CODING_UNRESOLVED', evidence: { glAccount: '5400' } });
    expect(byAccount?.reason).toContain('not in the chart of accounts');
    const byCentre = checkCoding(
      makeInput(
        base,
        {},
        {
          purchaseOrders: [ORDER],
          glAccounts: [...accounts, { id: '5400', name: 'Raw materials' }],
          costCentres: [{ id: 'CC-ADM', name: 'Administration' }],
        },
      ),
    );
    expect(byCentre?.reason).toContain('cost centre CC-PROD');
  });

  it('is skipped without any master data', () => {
    expect(checkCoding(makeInput(VALUES))).toBeNull();
  });
});
