import { Decimal } from 'decimal.js';
import type { InvoiceFields } from '../../runner/invoice.ts';
import {
  type CheckResult,
  describeInvoice,
  type EarlierInvoice,
  hold,
  pass,
  type ValidationInput,
} from './check-result.ts';
import {
  fuzzyInvoiceKey,
  normalizeInvoiceNumber,
  normalizeSellerName,
  normalizeVatId,
} from './duplicate-key.ts';
import { capitalise } from './required-fields.ts';

/** How an earlier case resembles this one, strongest first. */
export type DuplicateMatch =
  | 'same-file'
  | 'same-number'
  | 'similar-number'
  | 'same-amount-in-window';

const STRENGTH: DuplicateMatch[] = [
  'same-file',
  'same-number',
  'similar-number',
  'same-amount-in-window',
];

export interface DuplicateFinding {
  caseId: string;
  match: DuplicateMatch;
  invoiceNumber?: string;
  grossTotal?: string;
  issueDate?: string;
  channel?: string;
}

/**
 * V1: DUPLICATE_INVOICE when an earlier case is the same file or carries the same seller and the
 * same canonical number (whatever channel it came by); POSSIBLE_DUPLICATE when a similar number
 * or the same amount within `settings.duplicateWindowDays` comes from the same seller.
 */
export function checkDuplicate(input: ValidationInput): CheckResult {
  const findings = findDuplicates(input);
  if (findings.length === 0) {
    return pass('duplicate', `No earlier case resembles ${describeInvoice(input)}.`, {
      compared: input.earlier.map((e) => e.caseId),
    });
  }
  const best = findings[0]!;
  const code =
    best.match === 'same-file' || best.match === 'same-number'
      ? 'DUPLICATE_INVOICE'
      : 'POSSIBLE_DUPLICATE';
  const via = best.channel ? ` via ${best.channel}` : '';
  return hold(
    'duplicate',
    code,
    `${capitalise(describeInvoice(input))} matches earlier case ${best.caseId} (${best.match}: number ${best.invoiceNumber ?? '?'}, gross ${best.grossTotal ?? '?'}, issued ${best.issueDate ?? '?'}${via}).`,
    { earlierCaseId: best.caseId, match: best.match, findings },
  );
}

/** Every earlier case that resembles this one, strongest match first. */
export function findDuplicates(input: ValidationInput): DuplicateFinding[] {
  const findings: DuplicateFinding[] = [];
  for (const earlier of input.earlier) {
    if (earlier.caseId === input.caseId) continue;
    const match = matchOf(input, earlier);
    if (match)
      findings.push({
        caseId: earlier.caseId,
        match,
        invoiceNumber: earlier.invoiceNumber,
        grossTotal: earlier.grossTotal,
        issueDate: earlier.issueDate,
        channel: earlier.channel,
      });
  }
  return findings.sort((a, b) => STRENGTH.indexOf(a.match) - STRENGTH.indexOf(b.match));
}

function matchOf(input: ValidationInput, earlier: EarlierInvoice): DuplicateMatch | null {
  if (earlier.sha256 === input.sha256) return 'same-file';
  const fields = input.extraction.fields;
  if (!isSameSeller(fields, earlier)) return null;
  if (earlier.documentKind && earlier.documentKind !== input.extraction.documentKind) return null;
  const number = fields.invoice_number?.value;
  if (number && earlier.invoiceNumber) {
    if (normalizeInvoiceNumber(number) === normalizeInvoiceNumber(earlier.invoiceNumber))
      return 'same-number';
    const fuzzy = fuzzyInvoiceKey(number);
    if (fuzzy && fuzzy === fuzzyInvoiceKey(earlier.invoiceNumber) && isSameAmount(fields, earlier))
      return 'similar-number';
  }
  if (
    isSameAmount(fields, earlier) &&
    isWithinDays(fields.issue_date?.value, earlier.issueDate, input.settings.duplicateWindowDays)
  ) {
    return 'same-amount-in-window';
  }
  return null;
}

/** VAT ids decide when both sides have one; otherwise the normalised names must agree. */
export function isSameSeller(fields: InvoiceFields, earlier: EarlierInvoice): boolean {
  const vat = fields.seller_vat_id?.value;
  if (vat && earlier.sellerVatId)
    return normalizeVatId(vat) === normalizeVatId(earlier.sellerVatId);
  const name = fields.seller_name?.value;
  if (!name || !earlier.sellerName) return false;
  return normalizeSellerName(name) === normalizeSellerName(earlier.sellerName);
}

function isSameAmount(fields: InvoiceFields, earlier: EarlierInvoice): boolean {
  const gross = fields.gross_total?.value;
  if (!gross || !earlier.grossTotal) return false;
  const currency = fields.currency?.value;
  if (currency && earlier.currency && currency !== earlier.currency) return false;
  try {
    return new Decimal(gross).eq(earlier.grossTotal);
  } catch {
    return false;
  }
}

/** Both YYYY-MM-DD dates present and at most `days` apart. */
export function isWithinDays(a: string | undefined, b: string | undefined, days: number): boolean {
  if (!a || !b) return false;
  const msA = Date.parse(`${a}T00:00:00Z`);
  const msB = Date.parse(`${b}T00:00:00Z`);
  if (Number.isNaN(msA) || Number.isNaN(msB)) return false;
  return Math.abs(msA - msB) <= days * 86_400_000;
}
