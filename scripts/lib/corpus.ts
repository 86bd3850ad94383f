import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Decimal } from 'decimal.js';

/** The kinds of invoice file in the shared corpus's index.json. */
export type CorpusKind =
  | 'text-pdf'
  | 'facturx-pdf'
  | 'xml-ubl'
  | 'xml-cii'
  | 'image-render'
  | 'image-scan';

export interface CorpusEntry {
  /** Absolute path of the invoice file. */
  path: string;
  kind: CorpusKind;
  expectedPath: string;
  /** The parsed `.expected.json`, `_` keys included (scoring ignores them). */
  expected: Record<string, unknown>;
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `RPA_CORPUS_DIR` when set, else `../shared/corpus` beside the repository. */
export function corpusRoot(): string {
  const fromEnv = process.env['RPA_CORPUS_DIR'];
  return fromEnv ? path.resolve(fromEnv) : path.resolve(REPO_ROOT, '..', 'shared', 'corpus');
}

interface IndexFile {
  files: Array<{ path: string; role: string; kind?: string; expected?: string }>;
}

/**
 * Invoice files of the corpus that have an expected file, in index order. Returns an empty list
 * when the corpus folder is absent, so callers can skip rather than crash.
 */
export function listCorpus(root: string = corpusRoot()): CorpusEntry[] {
  const indexPath = path.join(root, 'index.json');
  if (!existsSync(indexPath)) return [];
  const index = JSON.parse(readFileSync(indexPath, 'utf8')) as IndexFile;
  return index.files
    .filter((f) => f.role === 'invoice' && f.kind && f.expected)
    .map((f) => {
      const expectedPath = path.join(root, f.expected as string);
      return {
        path: path.join(root, f.path),
        kind: f.kind as CorpusKind,
        expectedPath,
        expected: JSON.parse(readFileSync(expectedPath, 'utf8')) as Record<string, unknown>,
      };
    });
}

const DEMO_KINDS: Record<string, CorpusKind> = {
  '.pdf': 'text-pdf',
  '.xml': 'xml-ubl',
  '.png': 'image-scan',
  '.jpg': 'image-scan',
};

/**
 * The bundled demo documents (`fixtures/demo`) that have an expected file, by name. Files the
 * product must refuse unread (their expected file names `_extra.expected_error`) are left out:
 * they have no fields to score.
 */
export function listDemoSet(dir: string = path.join(REPO_ROOT, 'fixtures', 'demo')): CorpusEntry[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter(
      (name) =>
        DEMO_KINDS[path.extname(name)] && existsSync(path.join(dir, `${name}.expected.json`)),
    )
    .sort()
    .map((name) => {
      const expectedPath = path.join(dir, `${name}.expected.json`);
      return {
        path: path.join(dir, name),
        kind: DEMO_KINDS[path.extname(name)] as CorpusKind,
        expectedPath,
        expected: JSON.parse(readFileSync(expectedPath, 'utf8')) as Record<string, unknown>,
      };
    })
    .filter((entry) => !(entry.expected._extra as { expected_error?: string })?.expected_error);
}

export interface FieldScore {
  field: string;
  hit: boolean;
  expected: unknown;
  actual: unknown;
}

const MONEY_FIELDS = new Set(['net_total', 'tax_total', 'gross_total']);
const NAME_FIELDS = new Set(['seller_name', 'buyer_name']);
const SPACELESS_FIELDS = new Set(['seller_vat_id', 'iban']);
const LINE_AMOUNTS = ['quantity', 'unit_price', 'line_total'] as const;

/**
 * Scores an extraction against an expected file, one entry per field the expected file states
 * (`_` metadata keys ignored). Money and line amounts compare as decimals; names ignore case
 * and whitespace runs; VAT ids and IBANs ignore spaces; line items need the same count and the
 * same stated amounts in order (descriptions are not scored).
 */
export function scoreFields(
  actual: Record<string, unknown>,
  expected: Record<string, unknown>,
): FieldScore[] {
  return Object.keys(expected)
    .filter((field) => !field.startsWith('_'))
    .map((field) => ({
      field,
      hit: fieldMatches(field, actual[field], expected[field]),
      expected: expected[field],
      actual: actual[field],
    }));
}

function fieldMatches(field: string, actual: unknown, expected: unknown): boolean {
  if (actual === undefined || actual === null) return false;
  if (field === 'line_items') return linesMatch(actual, expected);
  if (typeof actual !== 'string' || typeof expected !== 'string') return false;
  if (MONEY_FIELDS.has(field)) return decimalEquals(actual, expected);
  if (NAME_FIELDS.has(field)) return normaliseName(actual) === normaliseName(expected);
  if (SPACELESS_FIELDS.has(field)) return spaceless(actual) === spaceless(expected);
  return actual.trim() === expected.trim();
}

function linesMatch(actual: unknown, expected: unknown): boolean {
  if (!Array.isArray(actual) || !Array.isArray(expected)) return false;
  if (actual.length !== expected.length) return false;
  return expected.every((want: Record<string, unknown>, i) => {
    const got = (actual[i] ?? {}) as Record<string, unknown>;
    return LINE_AMOUNTS.every((key) => {
      if (want[key] === undefined) return true;
      return typeof got[key] === 'string' && decimalEquals(got[key], String(want[key]));
    });
  });
}

function decimalEquals(a: string, b: string): boolean {
  try {
    return new Decimal(a.trim()).equals(new Decimal(b.trim()));
  } catch {
    return false;
  }
}

function normaliseName(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

function spaceless(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}
