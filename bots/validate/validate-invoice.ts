import { checkAmountAnomaly, checkNewVendorAmount } from './anomalies.ts';
import { checkBankChanges, checkBankDetails } from './bank-details.ts';
import type { CheckResult, ValidationInput } from './check-result.ts';
import { checkCoding } from './coding.ts';
import { checkDocumentKind } from './document-kind.ts';
import { checkDuplicate } from './duplicate-invoice.ts';
import { checkLineItems, checkTaxRate } from './line-arithmetic.ts';
import { checkPaymentTerms } from './payment-terms.ts';
import { checkFieldConfidence, checkRequiredFields } from './required-fields.ts';
import { checkThreeWayMatch } from './three-way-match.ts';
import { checkTotals } from './totals.ts';
import { checkVendorMaster } from './vendor-master.ts';

/** A rule returns null when it does not apply (no master given, no IBAN printed). */
type Rule = (input: ValidationInput) => CheckResult | null;

/** In the order a person reads them: is it an invoice, is it complete, is it new, is it right. */
const RULES: readonly Rule[] = [
  checkRequiredFields,
  checkFieldConfidence,
  checkDuplicate,
  checkTotals,
  checkLineItems,
  checkTaxRate,
  checkVendorMaster,
  checkPaymentTerms,
  checkBankDetails,
  checkBankChanges,
  checkThreeWayMatch,
  checkCoding,
  checkAmountAnomaly,
  checkNewVendorAmount,
];

/**
 * Runs every rule on one case and returns one result per rule that applies, passes included,
 * so that the evidence shows what was checked and not only what failed. Pure: the caller loads
 * earlier cases and the vendor master and stores the results. A document that is not an invoice
 * gets only its NOT_AN_INVOICE hold; judging its fields would be noise.
 */
export function validateInvoice(input: ValidationInput): CheckResult[] {
  const kind = checkDocumentKind(input);
  if (kind.result === 'hold') return [withVersion(kind, input)];
  const results = [kind];
  for (const rule of RULES) {
    const result = rule(input);
    if (result) results.push(result);
  }
  return results.map((r) => withVersion(r, input));
}

function withVersion(result: CheckResult, input: ValidationInput): CheckResult {
  if (!input.rulesVersion) return result;
  return { ...result, evidence: { ...result.evidence, rulesVersion: input.rulesVersion } };
}
