export { checkAmountAnomaly, checkNewVendorAmount } from './anomalies.ts';
export { checkBankChanges, checkBankDetails } from './bank-details.ts';
export type {
  CheckResult,
  EarlierInvoice,
  ValidationInput,
  ValidationSettings,
  VendorRecord,
} from './check-result.ts';
export { checkCoding } from './coding.ts';
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
export { parseCsv, readMasterFile } from './master-files.ts';
export {
  type CostCentre,
  emptyMasterData,
  type GlAccount,
  type GoodsReceipt,
  MASTER_KINDS,
  type MasterData,
  type MasterKind,
  masterIdOf,
  type PoInvoice,
  type PurchaseOrder,
  type PurchaseOrderLine,
} from './master-types.ts';
export { checkThreeWayMatch, type LineVariance } from './three-way-match.ts';
export { checkTotals } from './totals.ts';
export { checkVendorMaster, findVendor } from './vendor-master.ts';
export { validateInvoice } from './validate-invoice.ts';
