import { Decimal } from 'decimal.js';
import { isDecimalString } from '../../runner/money.ts';
import {
  type CheckResult,
  describeInvoice,
  type EarlierInvoice,
  hold,
  pass,
  type ValidationInput,
} from './check-result.ts';
import { isSameSeller } from './duplicate-invoice.ts';
import { capitalise } from './required-fields.ts';
import { findVendor } from './vendor-master.ts';

const DEFAULT_FACTOR = '3';
const DEFAULT_MIN_HISTORY = 3;
const DEFAULT_NEW_VENDOR_LIMIT = '5000';
const DEFAULT_NEW_VENDOR_DAYS = 90;
const DAY_MS = 86_400_000;

/** Earlier invoices of the same seller in the same currency: the vendor's amount history. */
export function vendorHistory(input: ValidationInput): EarlierInvoice[] {
  const { fields } = input.extraction;
  return input.earlier.filter(
    (e) =>
      e.caseId !== input.caseId &&
      e.sha256 !== input.sha256 &&
      e.documentKind !== 'credit-note' &&
      e.grossTotal !== undefined &&
      isDecimalString(e.grossTotal) &&
      (!e.currency || !fields.currency?.value || e.currency === fields.currency.value) &&
      isSameSeller(fields, e),
  );
}

/** The middle amount; the mean of the two middle ones for an even count. */
export function median(amounts: readonly Decimal[]): Decimal {
  const sorted = [...amounts].sort((a, b) => a.comparedTo(b));
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : sorted[mid - 1]!.plus(sorted[mid]!).div(2);
}

/**
 * V7: AMOUNT_ANOMALY when the gross is more than `anomalyFactor` times the median of the
 * seller's earlier invoices; needs `anomalyMinHistory` of them. Credit notes are not judged.
 */
export function checkAmountAnomaly(input: ValidationInput): CheckResult | null {
  const gross = input.extraction.fields.gross_total?.value;
  if (!gross || !isDecimalString(gross) || input.extraction.documentKind !== 'invoice') return null;
  const history = vendorHistory(input);
  if (history.length < (input.settings.anomalyMinHistory ?? DEFAULT_MIN_HISTORY)) return null;
  const typical = median(history.map((e) => new Decimal(e.grossTotal!)));
  const factor = input.settings.anomalyFactor ?? DEFAULT_FACTOR;
  const evidence = {
    gross,
    medianGross: typical.toFixed(2),
    factor,
    historyCaseIds: history.map((e) => e.caseId),
  };
  if (new Decimal(gross).abs().lte(typical.abs().times(factor))) {
    return pass(
      'amount-anomaly',
      `Gross ${gross} of ${describeInvoice(input)} is within ${factor}x the seller's median ${typical.toFixed(2)}.`,
      evidence,
    );
  }
  return hold(
    'amount-anomaly',
    'AMOUNT_ANOMALY',
    `${capitalise(describeInvoice(input))}: gross ${gross} is more than ${factor}x the seller's median of ${typical.toFixed(2)} over ${history.length} earlier invoices.`,
    evidence,
  );
}

/**
 * V7: NEW_VENDOR_LARGE_AMOUNT when a seller's first invoice is at or above `newVendorLimit`. A
 * seller is new when the vendor master does not know it, or entered it (`createdOn`) at most
 * `newVendorDays` before the invoice: a vendor set up shortly before a large first invoice is
 * the classic fake-vendor pattern. A vendor on file without an entry date is not new, so that
 * going live does not hold every vendor.
 */
export function checkNewVendorAmount(input: ValidationInput): CheckResult | null {
  const gross = input.extraction.fields.gross_total?.value;
  if (!gross || !isDecimalString(gross) || input.extraction.documentKind !== 'invoice') return null;
  const limit = input.settings.newVendorLimit ?? DEFAULT_NEW_VENDOR_LIMIT;
  const history = vendorHistory(input);
  const vendor = input.vendors ? findVendor(input.extraction.fields, input.vendors)?.vendor : null;
  const isOnboardedRecently = vendor ? isRecentlyCreated(input, vendor.createdOn) : false;
  const evidence = {
    gross,
    limit,
    earlierInvoices: history.length,
    inVendorMaster: Boolean(vendor),
    ...(vendor?.createdOn ? { vendorCreatedOn: vendor.createdOn } : {}),
  };
  const isKnown = Boolean(vendor) && !isOnboardedRecently;
  if (history.length > 0 || isKnown || new Decimal(gross).abs().lt(limit)) {
    return pass(
      'new-vendor',
      `Gross ${gross} of ${describeInvoice(input)} needs no new-vendor review (${history.length} earlier invoices, limit ${limit}).`,
      evidence,
    );
  }
  const since = vendor?.createdOn ? `, entered in the vendor master on ${vendor.createdOn}` : '';
  return hold(
    'new-vendor',
    'NEW_VENDOR_LARGE_AMOUNT',
    `${capitalise(describeInvoice(input))} is the seller's first${since}, and its gross ${gross} is at or above ${limit}.`,
    evidence,
  );
}

/** The vendor entered the master at most `newVendorDays` before the invoice's issue date. */
function isRecentlyCreated(input: ValidationInput, createdOn: string | undefined): boolean {
  const issue = input.extraction.fields.issue_date?.value;
  if (!createdOn || !issue) return false;
  const days = (Date.parse(`${issue}T00:00:00Z`) - Date.parse(`${createdOn}T00:00:00Z`)) / DAY_MS;
  const window = input.settings.newVendorDays ?? DEFAULT_NEW_VENDOR_DAYS;
  return !Number.isNaN(days) && days <= window;
}
