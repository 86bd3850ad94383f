import { describe, expect, it } from 'vitest';
import { checkBankChanges, checkBankDetails } from './bank-details.ts';
import type { VendorRecord } from './check-result.ts';
import { isValidIban } from './iban.ts';
import { corpusEntries, makeInput, readExpected } from './test-input.ts';

/** XRechnung 01.01a pays to DE79000000001234567890 (seller DE123456789). */
const VALUES = readExpected(
  'xrechnung-testsuite/src/test/business-cases/standard/01.01a-INVOICE_ubl.xml.expected.json',
);
const VENDOR: VendorRecord = {
  id: 'V-7',
  name: '[Seller name]',
  vatId: 'DE123456789',
  status: 'active',
  ibans: ['DE79 0000 0000 1234 5678 90'],
};

describe('isValidIban', () => {
  it('accepts the corpus IBANs except five placeholder accounts with a wrong checksum', () => {
    const placeholders = [
      'DE1212344321987600',
      'DE12123456789012345678',
      'DE75123456780000001234',
      'SE1212341234123412',
      'DK1212341234123412',
    ];
    const ibans = new Set(
      corpusEntries()
        .map((e) => readExpected(e.expected).iban)
        .filter((i): i is string => typeof i === 'string'),
    );
    expect(ibans.size).toBe(19);
    for (const iban of ibans) expect(isValidIban(iban), iban).toBe(!placeholders.includes(iban));
  });

  it('rejects a single changed digit, a swap, a bad shape', () => {
    expect(isValidIban('DE89370400440532013000')).toBe(true);
    expect(isValidIban('DE89370400440532013001')).toBe(false);
    expect(isValidIban('DE89370400440532010300')).toBe(false);
    expect(isValidIban('US1234567890')).toBe(false);
  });
});

describe('checkBankDetails', () => {
  it('passes the IBAN on file', () => {
    expect(checkBankDetails(makeInput(VALUES, {}, { vendors: [VENDOR] }))).toMatchObject({
      result: 'pass',
      evidence: { vendorId: 'V-7' },
    });
  });

  it('holds another valid IBAN as IBAN_MISMATCH, a fraud risk', () => {
    const values = { ...VALUES, iban: 'DE89370400440532013000' };
    const result = checkBankDetails(makeInput(values, {}, { vendors: [VENDOR] }));
    expect(result).toMatchObject({
      code: 'IBAN_MISMATCH',
      evidence: { iban: 'DE89370400440532013000', ibansOnFile: ['DE79000000001234567890'] },
    });
    expect(result?.reason).toContain('possible payment fraud');
  });

  it('holds a misread IBAN as IBAN_INVALID even without a vendor master', () => {
    const result = checkBankDetails(makeInput({ ...VALUES, iban: 'DE79000000001234567891' }));
    expect(result?.code).toBe('IBAN_INVALID');
  });

  it('passes a valid IBAN when no account is on file, and skips invoices without IBAN', () => {
    expect(
      checkBankDetails(makeInput(VALUES, {}, { vendors: [{ ...VENDOR, ibans: [] }] }))?.result,
    ).toBe('pass');
    expect(checkBankDetails(makeInput({ ...VALUES, iban: undefined }))).toBeNull();
  });
});

describe('checkBankChanges', () => {
  it('holds two bank changes within the window before the issue date', () => {
    const vendor = { ...VENDOR, bankChangeDates: ['2016-01-10', '2016-03-20', '2014-01-01'] };
    const result = checkBankChanges(makeInput(VALUES, {}, { vendors: [vendor] }));
    expect(result).toMatchObject({
      code: 'BANK_CHANGES_REPEATED',
      evidence: { recentChanges: ['2016-01-10', '2016-03-20'] },
    });
  });

  it('passes a single change', () => {
    const vendor = { ...VENDOR, bankChangeDates: ['2016-03-20'] };
    expect(checkBankChanges(makeInput(VALUES, {}, { vendors: [vendor] }))?.result).toBe('pass');
  });
});
