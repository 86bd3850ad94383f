import {
  type CheckResult,
  describeInvoice,
  hold,
  pass,
  type ValidationInput,
} from './check-result.ts';
import { capitalise } from './required-fields.ts';
import { findVendor } from './vendor-master.ts';

/**
 * V2: PAYMENT_TERMS_MISMATCH when the invoice asks to be paid sooner than the term agreed in the
 * vendor master. A later due date is the vendor's gift and passes. Skipped without a master.
 */
export function checkPaymentTerms(input: ValidationInput): CheckResult | null {
  if (!input.vendors) return null;
  const fields = input.extraction.fields;
  const vendor = findVendor(fields, input.vendors)?.vendor;
  const issue = fields.issue_date?.value;
  const due = fields.due_date?.value;
  const termDays = vendor?.paymentTermsDays;
  if (!vendor || termDays === undefined || !issue || !due) return null;
  const days = Math.round(
    (Date.parse(`${due}T00:00:00Z`) - Date.parse(`${issue}T00:00:00Z`)) / 86_400_000,
  );
  const evidence = {
    vendorId: vendor.id,
    issueDate: issue,
    dueDate: due,
    invoiceTermDays: days,
    masterTermDays: termDays,
  };
  if (Number.isNaN(days) || days >= termDays) {
    return pass(
      'payment-terms',
      `${capitalise(describeInvoice(input))} is due after ${days} days; vendor ${vendor.id} has ${termDays}.`,
      evidence,
    );
  }
  return hold(
    'payment-terms',
    'PAYMENT_TERMS_MISMATCH',
    `${capitalise(describeInvoice(input))} is due after ${days} days (${issue} to ${due}) but vendor ${vendor.id} has a term of ${termDays} days.`,
    evidence,
  );
}
