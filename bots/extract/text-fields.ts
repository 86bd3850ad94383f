import { Decimal } from 'decimal.js';
import type { DocumentKind, FieldSource, InvoiceFields } from '../../runner/invoice.ts';
import { corroborate } from './corroborate.ts';
import { ibanLength, isIbanShaped, validIban } from './field-values.ts';
import { readLineItems } from './line-items.ts';
import { findLabelled, type Hit, type PagedLine } from './label-search.ts';
import { readParties } from './text-parties.ts';
import {
  DUE_DATE,
  GROSS_TOTAL,
  INVOICE_KEYWORDS,
  INVOICE_NUMBER_PATTERNS,
  ISSUE_DATE,
  KIND_KEYWORDS,
  NET_TOTAL,
  ORDER_REFERENCE,
  TAX_TOTAL,
  VAT_LABEL,
} from './text-labels.ts';
import {
  CURRENCY_SYMBOLS,
  type DateOrder,
  inferDateOrder,
  ISO_CURRENCIES,
  moneyAmounts,
  parseDate,
} from './text-values.ts';

export type { PagedLine } from './label-search.ts';

/**
 * Reads invoice fields from text lines (a PDF's text layer or OCR output) by label, in six
 * languages. Each value carries a confidence that reflects how specific its label was;
 * `confidenceScale` lowers them all for OCR text.
 */
export function readTextFields(
  lines: PagedLine[],
  source: FieldSource,
  confidenceScale = 1,
): { fields: InvoiceFields; kind: DocumentKind } {
  const fullText = lines.map((l) => l.text).join('\n');
  const order = inferDateOrder(fullText);
  const hits: Record<string, Hit | undefined> = {};
  const number = findInvoiceNumber(lines, order);
  hits['invoice_number'] = number?.hit;
  hits['issue_date'] =
    number?.date ??
    findLabelled(lines, ISSUE_DATE, (t) => parseDate(t, order)) ??
    firstDate(lines, order);
  hits['due_date'] = findLabelled(lines, DUE_DATE, (t) => parseDate(t, order));
  hits['currency'] = findCurrency(lines, fullText);
  hits['gross_total'] =
    findLabelled(lines, GROSS_TOTAL, lastAmount, true) ?? receiptPaidAmount(lines);
  hits['net_total'] = findLabelled(lines, NET_TOTAL, lastAmount, true);
  hits['tax_total'] = findLabelled(lines, TAX_TOTAL, lastAmount, true);
  hits['order_reference'] = findLabelled(lines, ORDER_REFERENCE, firstReference);
  hits['seller_vat_id'] = findVatId(lines);
  hits['iban'] = findIban(lines);
  Object.assign(hits, readParties(lines));
  corroborate(hits, lines, ISO_CURRENCIES);
  const items = readLineItems(lines, hits['net_total']?.value);
  const kind = documentKindOfText(fullText);
  if (kind === 'credit-note') unsignTotals(hits);
  const fields = fieldsOf(hits, source, confidenceScale);
  if (items) {
    const confidence = Math.round(items.confidence * confidenceScale * 100) / 100;
    fields.line_items = { value: items.value, confidence, source, page: items.page };
  }
  return { fields, kind };
}

function fieldsOf(
  hits: Record<string, Hit | undefined>,
  source: FieldSource,
  confidenceScale: number,
): InvoiceFields {
  const fields: Record<string, unknown> = {};
  for (const [name, hit] of Object.entries(hits)) {
    if (!hit) continue;
    const confidence = Math.round(hit.confidence * confidenceScale * 100) / 100;
    fields[name] = { value: hit.value, confidence, source, page: hit.page };
  }
  return fields as InvoiceFields;
}

// Credit notes print their totals negative; EN 16931 (and so the XML path) states them positive.
function unsignTotals(hits: Record<string, Hit | undefined>): void {
  for (const name of ['gross_total', 'net_total', 'tax_total']) {
    const hit = hits[name];
    if (hit) hit.value = hit.value.replace(/^-/, '');
  }
}

/**
 * Receipts often print their date unlabelled ("ORD #70 -REG #19- 18/03/2018 23:02"): the
 * first date of the document, at a confidence that says it is a guess.
 */
function firstDate(lines: PagedLine[], order: DateOrder): Hit | undefined {
  for (const line of lines) {
    const value = parseDate(line.text, order);
    if (value) return { value, confidence: 0.5, page: line.page };
  }
  return undefined;
}

const CASH = /^(?:cash|tunai|bayar|paid)\b(?!\s*(?:change|back))/i;
const CHANGE = /^(?:cash\s+)?(?:change|baki|kembali)\b/i;

/**
 * A receipt whose total line OCR could not read still says what was paid: cash tendered
 * less change given. A guess, so its confidence is low.
 */
function receiptPaidAmount(lines: PagedLine[]): Hit | undefined {
  const amountAfter = (label: RegExp) => {
    const line = lines.find((l) => label.test(l.cells.find((c) => /[A-Za-z]{3}/.test(c)) ?? ''));
    const value = line ? lastAmount(line.text) : undefined;
    return value && line ? { value: new Decimal(value), page: line.page } : undefined;
  };
  const cash = amountAfter(CASH);
  if (!cash) return undefined;
  const change = amountAfter(CHANGE);
  const paid = change ? cash.value.minus(change.value) : cash.value;
  if (paid.isNegative()) return undefined;
  return { value: paid.toFixed(2), confidence: 0.5, page: cash.page };
}

function lastAmount(text: string): string | undefined {
  const amounts = moneyAmounts(text);
  return amounts[amounts.length - 1];
}

function firstReference(text: string): string | undefined {
  const token = /^[^\s]*\d[^\s]*/.exec(text.trim())?.[0];
  return token?.replace(/[.,;:]+$/, '');
}

function cleanNumber(raw: string): string | undefined {
  const value = raw.replace(/[.,;:]+$/, '');
  if (value.length < 3 || !/\d/.test(value)) return undefined;
  if (parseDate(value) !== undefined && /^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$/.test(value))
    return undefined;
  return value;
}

/** The invoice number and, when printed after it on the same line, the issue date. */
function findInvoiceNumber(
  lines: PagedLine[],
  order: DateOrder,
): { hit: Hit; date?: Hit } | undefined {
  for (const [rank, pattern] of INVOICE_NUMBER_PATTERNS.entries()) {
    const global = new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`);
    for (const line of lines) {
      for (const m of line.text.matchAll(global)) {
        const value = cleanNumber(m[1] ?? '');
        if (!value) continue;
        const confidence = 0.9 - rank * 0.1;
        const after = line.text.slice((m.index ?? 0) + m[0].length);
        const date = parseDate(after, order);
        return {
          hit: { value, confidence, page: line.page },
          date: date ? { value: date, confidence: 0.85, page: line.page } : undefined,
        };
      }
    }
  }
  return undefined;
}

const CURRENCY_LABEL =
  /(?:rechnungswährung|währung|currency|devise|moneda|valuta|munt)\s*:?\s*(?:[A-Za-zé]+\s*\()?\s*([A-Z]{3})\b/i;

function findCurrency(lines: PagedLine[], fullText: string): Hit | undefined {
  for (const line of lines) {
    const code = CURRENCY_LABEL.exec(line.text)?.[1]?.toUpperCase();
    if (code && /^[A-Z]{3}$/.test(code)) return { value: code, confidence: 0.9, page: line.page };
  }
  let best: { code: string; count: number } | undefined;
  for (const [pattern, code] of CURRENCY_SYMBOLS) {
    const count = fullText.match(pattern)?.length ?? 0;
    if (count > 0 && (!best || count > best.count)) best = { code, count };
  }
  if (!best || !ISO_CURRENCIES.has(best.code)) return undefined;
  return { value: best.code, confidence: 0.7, page: lines[0]?.page ?? 1 };
}

const PREFIXED_VAT = /\b([A-Z]{2}(?:[ .]?[0-9A-Z]){8,14})\b/;
const BARE_TAX_ID = /(\d(?:[ ./-]?\d){7,14})/;

// Country-prefixed VAT ids first: a German invoice prints its Steuernummer before the USt-IdNr.
function findVatId(lines: PagedLine[]): Hit | undefined {
  const label = new RegExp(VAT_LABEL.source, 'gi');
  for (const pattern of [PREFIXED_VAT, BARE_TAX_ID]) {
    for (const line of lines) {
      for (const m of line.text.matchAll(label)) {
        const before = line.text.slice(Math.max(0, (m.index ?? 0) - 25), m.index);
        if (/client|customer|kunde|acheteur|buyer|klant|cliente|käufer/i.test(before)) continue;
        const rest = line.text.slice((m.index ?? 0) + m[0].length).slice(0, 40);
        const id = pattern.exec(rest)?.[1]?.replace(/[ .]/g, '');
        if (id && (id.match(/\d/g)?.length ?? 0) >= 6 && !validIban(id)) {
          return { value: id, confidence: pattern === PREFIXED_VAT ? 0.85 : 0.6, page: line.page };
        }
      }
    }
  }
  return undefined;
}

const IBAN_CANDIDATE = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,34}/g;
const IBAN_LABEL = /\bIBAN\b[\s:.]*$/i;

/**
 * The first IBAN whose checksum holds; failing that, the first IBAN-shaped value that follows
 * an IBAN label or has its country's registered length. A mistyped IBAN is kept so that
 * validation holds it as IBAN_INVALID instead of passing an invoice whose IBAN went unread.
 */
function findIban(lines: PagedLine[]): Hit | undefined {
  for (const line of lines) {
    for (const m of line.text.matchAll(IBAN_CANDIDATE)) {
      const tokens = m[0].split(' ');
      for (let k = tokens.length; k > 0; k--) {
        const iban = validIban(tokens.slice(0, k).join(''));
        if (iban) return { value: iban, confidence: 0.95, page: line.page };
      }
    }
  }
  for (const line of lines) {
    for (const m of line.text.matchAll(IBAN_CANDIDATE)) {
      const labelled = IBAN_LABEL.test(line.text.slice(0, m.index));
      const iban = unverifiedIban(m[0].split(' '), labelled);
      if (iban) return { value: iban, confidence: labelled ? 0.9 : 0.8, page: line.page };
    }
  }
  return undefined;
}

/**
 * An IBAN-shaped value whose checksum was not checked: the leading tokens that make up the
 * country's registered length, or after an IBAN label the printed groups up to the first token
 * without a digit (a following "BIC").
 */
function unverifiedIban(tokens: string[], labelled: boolean): string | undefined {
  const length = ibanLength(tokens[0] ?? '');
  for (let k = tokens.length; k > 0; k--) {
    const value = tokens.slice(0, k).join('');
    if (value.length === length && isIbanShaped(value)) return value;
  }
  if (!labelled) return undefined;
  const end = tokens.findIndex((t, i) => i > 0 && !/\d/.test(t));
  const value = tokens.slice(0, end < 0 ? undefined : end).join('');
  return isIbanShaped(value) ? value : undefined;
}

/** Keywords decide the kind of a document read as text. */
export function documentKindOfText(text: string): DocumentKind {
  const head = text.slice(0, 1500);
  for (const [pattern, kind] of KIND_KEYWORDS) if (pattern.test(head)) return kind;
  return INVOICE_KEYWORDS.test(text) ? 'invoice' : 'other';
}
