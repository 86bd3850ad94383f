import type { FieldSource, InvoiceFields } from '../../runner/invoice.ts';
import { money } from './field-values.ts';
import { findLabelled, type PagedLine } from './label-search.ts';
import { parseDate } from './text-values.ts';
import type { FieldRule, VendorTemplate } from './vendor-templates.ts';

/** A template's rule was written for this vendor, so its value beats the generic guess. */
export const TEMPLATE_CONFIDENCE = 0.9;

const MONEY = new Set(['net_total', 'tax_total', 'gross_total']);
const DATES = new Set(['issue_date', 'due_date']);
const NUMBER = /-?\d[\d.,' ]*\d|\d/g;

/** The last number of the text, read with the template's decimal mark. */
function amountWith(text: string, decimal: 'comma' | 'point' | undefined): string | undefined {
  const raw = [...text.matchAll(NUMBER)].pop()?.[0];
  if (raw === undefined) return undefined;
  let plain = raw.replace(/[\s']/g, '');
  if (decimal === 'comma') plain = plain.replace(/\./g, '').replace(',', '.');
  else if (decimal === 'point') plain = plain.replace(/,/g, '');
  else return money(plain.replace(',', '.'));
  return money(plain);
}

function parserFor(field: string, template: VendorTemplate): (text: string) => string | undefined {
  if (MONEY.has(field)) return (t) => amountWith(t, template.options.decimal);
  if (DATES.has(field)) return (t) => parseDate(t, template.options.date_order ?? 'dmy');
  return (t) => t.trim() || undefined;
}

function ruleValue(
  field: string,
  rule: FieldRule,
  template: VendorTemplate,
  lines: PagedLine[],
): { value: string; page: number } | undefined {
  const parse = parserFor(field, template);
  if (rule.value !== undefined) return { value: rule.value, page: 1 };
  if (rule.regex !== undefined) {
    for (const page of new Set(lines.map((l) => l.page))) {
      const text = lines
        .filter((l) => l.page === page)
        .map((l) => l.text)
        .join('\n');
      const raw = new RegExp(rule.regex, 'i').exec(text)?.[1];
      const value = raw === undefined ? undefined : parse(raw);
      if (value !== undefined) return { value, page };
    }
    return undefined;
  }
  const set = { labels: [new RegExp(rule.label ?? '', 'i')], confidence: TEMPLATE_CONFIDENCE };
  const hit = findLabelled(lines, set, parse, MONEY.has(field));
  return hit && { value: hit.value, page: hit.page };
}

/**
 * Overrides the generic fields with the template's: each rule that yields a value replaces
 * the field (source `template`); a rule that finds nothing leaves the generic value alone.
 * Returns the names of the fields it set.
 */
export function applyTemplate(
  template: VendorTemplate,
  lines: PagedLine[],
  fields: InvoiceFields,
  source: FieldSource,
  confidenceScale: number,
): string[] {
  const set: string[] = [];
  const target = fields as Record<string, unknown>;
  for (const [field, rule] of Object.entries(template.fields)) {
    const found = ruleValue(field, rule, template, lines);
    if (!found) continue;
    const confidence =
      source === 'ocr' && rule.value === undefined
        ? Math.round(TEMPLATE_CONFIDENCE * confidenceScale * 100) / 100
        : TEMPLATE_CONFIDENCE;
    target[field] = { value: found.value, confidence, source: 'template', page: found.page };
    set.push(field);
  }
  return set;
}
