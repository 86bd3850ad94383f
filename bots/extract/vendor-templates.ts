import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SystemError } from '../../runner/errors.ts';

const FieldRule = z
  .object({
    /** A fixed value: the vendor's registered name, say. */
    value: z.string().optional(),
    /** A regular expression over the document text (lines joined by "\n"); group 1 is the value. */
    regex: z.string().optional(),
    /** A label regex; the value is read after or below it as the generic reader does. */
    label: z.string().optional(),
  })
  .refine((r) => [r.value, r.regex, r.label].filter((v) => v !== undefined).length === 1, {
    message: 'a field rule needs exactly one of value, regex, label',
  });

const TemplateFile = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/),
  match: z
    .object({
      /** Seller VAT ids (spaces ignored); one present in the document is enough. */
      vat_ids: z.array(z.string()).default([]),
      /** Phrases that must all appear in the text (case ignored). */
      keywords: z.array(z.string()).default([]),
    })
    .refine((m) => m.vat_ids.length + m.keywords.length > 0, 'match needs vat_ids or keywords'),
  fields: z.record(z.string(), FieldRule).default({}),
  options: z
    .object({
      decimal: z.enum(['comma', 'point']).optional(),
      date_order: z.enum(['dmy', 'mdy']).optional(),
    })
    .default({}),
});

export type FieldRule = z.infer<typeof FieldRule>;
export type VendorTemplate = z.infer<typeof TemplateFile> & { file: string };

export const TEMPLATES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'templates');

/**
 * Loads every `*.yaml` vendor template of `dir`, sorted by file name.
 * @throws SystemError CONFIG_INVALID naming the file when one does not parse or validate
 */
export function loadTemplates(dir: string = TEMPLATES_DIR): VendorTemplate[] {
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/i.test(f))
    .sort();
  return files.map((name) => {
    const file = path.join(dir, name);
    try {
      const parsed = TemplateFile.parse(parseYaml(readFileSync(file, 'utf8')));
      for (const rule of Object.values(parsed.fields)) {
        if (rule.regex) new RegExp(rule.regex);
        if (rule.label) new RegExp(rule.label);
      }
      return { ...parsed, file };
    } catch (error) {
      throw new SystemError('CONFIG_INVALID', `vendor template ${name} is invalid`, {
        cause: error,
        details: { file },
      });
    }
  });
}

export interface TemplateMatch {
  template: VendorTemplate;
  reasons: string[];
}

export interface TemplateMiss {
  template: string;
  reasons: string[];
}

function spaceless(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}

/** Why one template applies to a text, or why it does not. */
export function testTemplate(
  template: VendorTemplate,
  text: string,
  sellerVatId: string | undefined,
): { isMatch: boolean; reasons: string[] } {
  const flat = spaceless(text);
  const vat = template.match.vat_ids.find(
    (id) => spaceless(id) === spaceless(sellerVatId ?? '') || flat.includes(spaceless(id)),
  );
  if (vat) return { isMatch: true, reasons: [`seller VAT id ${vat} found`] };
  const lower = text.toLowerCase();
  const missing = template.match.keywords.filter((k) => !lower.includes(k.toLowerCase()));
  const reasons: string[] = [];
  if (template.match.vat_ids.length > 0) {
    reasons.push(`none of the VAT ids ${template.match.vat_ids.join(', ')} is in the document`);
  }
  if (template.match.keywords.length === 0) return { isMatch: false, reasons };
  if (missing.length === 0) {
    return {
      isMatch: true,
      reasons: [`all keywords found: ${template.match.keywords.join(', ')}`],
    };
  }
  reasons.push(`keywords not found: ${missing.join(', ')}`);
  return { isMatch: false, reasons };
}

/** The first template (by file name) that matches, and why each of the others did not. */
export function chooseTemplate(
  templates: VendorTemplate[],
  text: string,
  sellerVatId: string | undefined,
): { match?: TemplateMatch; misses: TemplateMiss[] } {
  const misses: TemplateMiss[] = [];
  let match: TemplateMatch | undefined;
  for (const template of templates) {
    const result = testTemplate(template, text, sellerVatId);
    if (result.isMatch && !match) match = { template, reasons: result.reasons };
    else if (!result.isMatch) misses.push({ template: template.name, reasons: result.reasons });
  }
  return { match, misses };
}
