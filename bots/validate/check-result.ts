import type { DocumentKind, Extraction } from '../../runner/invoice.ts';
import type {
  CostCentre,
  GlAccount,
  GoodsReceipt,
  PoInvoice,
  PurchaseOrder,
} from './master-types.ts';

/** The verdict of one rule on one case, stored as a `check` record with its evidence. */
export interface CheckResult {
  /** Stable rule name, e.g. `totals`, `duplicate`. */
  rule: string;
  /** `OK` on a pass; on a hold a business code from runner/error-codes.ts. */
  code: string;
  result: 'pass' | 'hold';
  /** One sentence naming the invoice and the values compared. */
  reason: string;
  /** Ids of the records compared (earlier case, vendor id) and the values themselves. */
  evidence: Record<string, unknown>;
}

/** An earlier case of the same seller, as the store knows it. */
export interface EarlierInvoice {
  caseId: string;
  sha256: string;
  sellerName?: string;
  sellerVatId?: string;
  invoiceNumber?: string;
  /** Decimal string. */
  grossTotal?: string;
  currency?: string;
  /** YYYY-MM-DD. */
  issueDate?: string;
  /** How it arrived: mail, portal, folder, cli. */
  channel?: string;
  /** An earlier credit note is never a duplicate of an invoice with the same number. */
  documentKind?: DocumentKind;
  /** The coding its `coding` check proposed: the vendor history of V6. */
  glAccount?: string;
  costCentre?: string;
}

/** One entry of the vendor master, as the ERP or the master file knows the vendor. */
export interface VendorRecord {
  id: string;
  name: string;
  /** Other spellings the vendor prints on invoices ("ACME GmbH" for "Acme Corporation GmbH"). */
  aliases?: string[];
  vatId?: string;
  /** Bank accounts on file; an invoice paying elsewhere is a fraud risk. */
  ibans?: string[];
  status: 'active' | 'blocked';
  /** Free text shown with a hold on a blocked vendor. */
  blockedReason?: string;
  /** Routing class, e.g. `utilities`, `services`. */
  vendorClass?: string;
  /** Agreed payment term in days from the issue date. */
  paymentTermsDays?: number;
  /** YYYY-MM-DD dates on which the bank account on file was changed. */
  bankChangeDates?: string[];
  /** YYYY-MM-DD the vendor was entered in the master; recent ones count as new (V7). */
  createdOn?: string;
  /** Default coding of the vendor's invoices without a purchase order (V6). */
  glAccount?: string;
  costCentre?: string;
}

/** Tolerances and limits of the rules. Amounts are decimal strings in the invoice currency. */
export interface ValidationSettings {
  /** Allowed difference between gross and net + tax, e.g. `0.01`. */
  totalsTolerance: string;
  /** 0..1; a required field read below this is held for a person. */
  minConfidence: number;
  /** Days around the issue date in which the same amount from the same seller is suspicious. */
  duplicateWindowDays: number;
  /** Allowed VAT rates in percent (e.g. `["0","7","19"]`); unset skips the rate check. */
  allowedTaxRatesPercent?: string[];
  /** A gross this many times the vendor's median is an anomaly. Default 3. */
  anomalyFactor?: string;
  /** Earlier invoices needed before the vendor's median means anything. Default 3. */
  anomalyMinHistory?: number;
  /** Gross at or above which a first invoice of a vendor is held. Default `5000`. */
  newVendorLimit?: string;
  /** A vendor entered in the master at most this many days before the invoice is new. Default 90. */
  newVendorDays?: number;
  /** Bank changes within this many days before the issue date that count as repeated. Default 180. */
  bankChangeWindowDays?: number;
  /** Three-way match: units a line may exceed the open received quantity. Default `0`. */
  matchQuantityTolerance?: string;
  /** Three-way match: price variance allowed per line, in percent of the PO price. Default `1`. */
  matchPricePercent?: string;
  /** Three-way match: amount variance allowed per line, in the invoice currency. Default `5.00`. */
  matchAmountTolerance?: string;
}

export interface ValidationInput {
  caseId: string;
  sha256: string;
  extraction: Extraction;
  /**
   * Earlier cases of the same seller (same {@link sellerKey}) and those with the same
   * {@link duplicateKey}. The duplicate and anomaly rules compare against these only.
   */
  earlier: EarlierInvoice[];
  /** The vendor master; unset skips the vendor, bank and new-vendor rules. */
  vendors?: VendorRecord[];
  /** Purchase orders; unset skips the three-way match. */
  purchaseOrders?: PurchaseOrder[];
  /** Goods receipts booked against those orders. */
  goodsReceipts?: GoodsReceipt[];
  /** Earlier invoices quoting the same order, whose quantities are already invoiced. */
  poInvoices?: PoInvoice[];
  /** Chart of accounts and cost centres; when loaded, a proposed coding must be in them. */
  glAccounts?: GlAccount[];
  costCentres?: CostCentre[];
  /** Stored with the checks so that a result can be traced to the rules that made it. */
  rulesVersion?: string;
  settings: ValidationSettings;
}

export function pass(
  rule: string,
  reason: string,
  evidence: Record<string, unknown> = {},
): CheckResult {
  return { rule, code: 'OK', result: 'pass', reason, evidence };
}

export function hold(
  rule: string,
  code: string,
  reason: string,
  evidence: Record<string, unknown> = {},
): CheckResult {
  return { rule, code, result: 'hold', reason, evidence };
}

/** How a case is named in reasons: `invoice 123 of Acme (case c-1)`. */
export function describeInvoice(input: ValidationInput): string {
  const fields = input.extraction.fields;
  const number = fields.invoice_number?.value ?? '(no number)';
  const seller = fields.seller_name?.value ?? fields.seller_vat_id?.value ?? '(unknown seller)';
  return `invoice ${number} of ${seller} (case ${input.caseId})`;
}
