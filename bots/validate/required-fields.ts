import type { HeaderField } from '../../runner/invoice.ts';
import { isDecimalString, moneyEquals } from '../../runner/money.ts';
import {
  type CheckResult,
  describeInvoice,
  hold,
  pass,
  type ValidationInput,
} from './check-result.ts';

/** Needed to post any invoice. Net and tax come in pairs: see {@link missingFields}. */
export const REQUIRED_FIELDS: readonly HeaderField[] = [
  'seller_name',
  'invoice_number',
  'issue_date',
  'currency',
  'gross_total',
];

/**
 * The required fields that were not read. Net and tax are required once the document states
 * either: a receipt with only a gross total is complete, an invoice showing net but no tax is not,
 * unless net equals gross (exports and exempt supplies print no VAT line at all).
 */
export function missingFields(input: ValidationInput): HeaderField[] {
  const fields = input.extraction.fields;
  const missing = REQUIRED_FIELDS.filter((name) => !fields[name]?.value?.trim());
  const hasNet = Boolean(fields.net_total?.value);
  const hasTax = Boolean(fields.tax_total?.value);
  const isTaxFree = hasNet && isSameAmount(fields.net_total?.value, fields.gross_total?.value);
  if (hasNet && !hasTax && !isTaxFree) missing.push('tax_total');
  if (hasTax && !hasNet) missing.push('net_total');
  return missing;
}

/** V1 precondition: FIELD_MISSING when a field needed for posting was not read. */
export function checkRequiredFields(input: ValidationInput): CheckResult {
  const missing = missingFields(input);
  if (missing.length === 0) {
    return pass('required-fields', `All required fields of ${describeInvoice(input)} were read.`);
  }
  return hold(
    'required-fields',
    'FIELD_MISSING',
    `${capitalise(describeInvoice(input))} lacks ${missing.join(', ')}.`,
    { missing, method: input.extraction.method },
  );
}

/** FIELD_LOW_CONFIDENCE when a required field was read but below `settings.minConfidence`. */
export function checkFieldConfidence(input: ValidationInput): CheckResult {
  const fields = input.extraction.fields;
  const minConfidence = input.settings.minConfidence;
  const names = [...REQUIRED_FIELDS, 'net_total', 'tax_total'] as HeaderField[];
  const low = names
    .map((name) => ({ name, field: fields[name] }))
    .filter(({ field }) => field !== undefined && field.confidence < minConfidence)
    .map(({ name, field }) => ({
      field: name,
      value: field!.value,
      confidence: field!.confidence,
      source: field!.source,
      page: field!.page,
    }));
  if (low.length === 0) {
    return pass(
      'field-confidence',
      `Required fields of ${describeInvoice(input)} were read with confidence >= ${minConfidence}.`,
      { minConfidence },
    );
  }
  const list = low.map((f) => `${f.field} "${f.value}" (${f.confidence.toFixed(2)})`).join(', ');
  return hold(
    'field-confidence',
    'FIELD_LOW_CONFIDENCE',
    `${capitalise(describeInvoice(input))} has fields read below confidence ${minConfidence}: ${list}.`,
    { minConfidence, fields: low },
  );
}

function isSameAmount(a: string | undefined, b: string | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    isDecimalString(a) &&
    isDecimalString(b) &&
    moneyEquals(a, b)
  );
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
