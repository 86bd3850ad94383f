export { checkAmountAnomaly, checkNewVendorAmount } from './anomalies.ts';
export { checkBankChanges, checkBankDetails } from './bank-details.ts';
export type {
  CheckResult,
  EarlierInvoice,
  ValidationInput,
  ValidationSettings,
  VendorRecord,
} from './check-result.ts';
export { checkDocumentKind } from './document-kind.ts';
export { checkDuplicate, findDuplicates } from './duplicate-invoice.ts';
export {
  duplicateKey,
  fuzzyInvoiceKey,
  normalizeInvoiceNumber,
  normalizeSellerName,
  normalizeVatId,
  sellerKey,
} from './duplicate-key.ts';
export { isValidIban, normalizeIban } from './iban.ts';
export { checkLineItems, checkTaxRate } from './line-arithmetic.ts';
export { checkPaymentTerms } from './payment-terms.ts';
export { checkFieldConfidence, checkRequiredFields } from './required-fields.ts';
export { checkTotals } from './totals.ts';
export { checkVendorMaster, findVendor } from './vendor-master.ts';
export { validateInvoice } from './validate-invoice.ts';
