import {
  type CheckResult,
  describeInvoice,
  hold,
  pass,
  type ValidationInput,
} from './check-result.ts';
import { isWithinDays } from './duplicate-invoice.ts';
import { isValidIban, normalizeIban } from './iban.ts';
import { capitalise } from './required-fields.ts';
import { findVendor } from './vendor-master.ts';

/** Bank changes within this window that make a pattern. */
const DEFAULT_BANK_CHANGE_WINDOW_DAYS = 180;

/**
 * V3: IBAN_INVALID when the printed IBAN fails its checksum; IBAN_MISMATCH, a fraud risk, when
 * the vendor master holds accounts for this vendor and the invoice asks for payment to another.
 * A vendor without an account on file passes: nothing to differ from.
 */
export function checkBankDetails(input: ValidationInput): CheckResult | null {
  const printed = input.extraction.fields.iban?.value;
  if (!printed) return null;
  const iban = normalizeIban(printed);
  const name = capitalise(describeInvoice(input));
  if (!isValidIban(iban)) {
    return hold(
      'bank-details',
      'IBAN_INVALID',
      `${name}: IBAN ${iban} fails the ISO 13616 checksum.`,
      { iban },
    );
  }
  const vendor = input.vendors
    ? findVendor(input.extraction.fields, input.vendors)?.vendor
    : undefined;
  const onFile = (vendor?.ibans ?? []).map(normalizeIban);
  if (!vendor || onFile.length === 0) {
    return pass('bank-details', `${name}: IBAN ${iban} is valid; no account on file to compare.`, {
      iban,
      vendorId: vendor?.id,
    });
  }
  if (onFile.includes(iban)) {
    return pass('bank-details', `${name}: IBAN ${iban} is on file for vendor ${vendor.id}.`, {
      iban,
      vendorId: vendor.id,
    });
  }
  return hold(
    'bank-details',
    'IBAN_MISMATCH',
    `${name}: IBAN ${iban} is not on file for vendor ${vendor.id} (${vendor.name}), which has ${onFile.join(', ')}; possible payment fraud.`,
    { iban, vendorId: vendor.id, ibansOnFile: onFile },
  );
}

/** V7: BANK_CHANGES_REPEATED when the vendor's account changed twice or more in the window. */
export function checkBankChanges(input: ValidationInput): CheckResult | null {
  if (!input.vendors) return null;
  const fields = input.extraction.fields;
  const vendor = findVendor(fields, input.vendors)?.vendor;
  const issue = fields.issue_date?.value;
  if (!vendor?.bankChangeDates || !issue) return null;
  const windowDays = input.settings.bankChangeWindowDays ?? DEFAULT_BANK_CHANGE_WINDOW_DAYS;
  const recent = vendor.bankChangeDates.filter(
    (d) => d <= issue && isWithinDays(d, issue, windowDays),
  );
  const evidence = { vendorId: vendor.id, recentChanges: recent, windowDays };
  if (recent.length < 2) {
    return pass(
      'bank-changes',
      `Vendor ${vendor.id} changed its bank account ${recent.length} times in ${windowDays} days.`,
      evidence,
    );
  }
  return hold(
    'bank-changes',
    'BANK_CHANGES_REPEATED',
    `${capitalise(describeInvoice(input))}: vendor ${vendor.id} changed its bank account ${recent.length} times in the ${windowDays} days before ${issue} (${recent.join(', ')}).`,
    evidence,
  );
}
