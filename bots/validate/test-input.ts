import { readFileSync } from 'node:fs';
import path from 'node:path';
import type {
  DocumentKind,
  Extraction,
  ExtractionMethod,
  InvoiceFields,
} from '../../runner/invoice.ts';
import type { ValidationInput } from './check-result.ts';

/**
 * Test helper: builds validation inputs from the shared corpus's expected files, so the rules
 * are tried on real invoice values. The corpus lives beside the repository and is never copied.
 */
export const CORPUS_DIR =
  process.env.RPA_CORPUS_DIR ?? path.resolve(import.meta.dirname, '../../../shared/corpus');

export const DEFAULT_SETTINGS = {
  totalsTolerance: '0.01',
  minConfidence: 0.5,
  duplicateWindowDays: 7,
};

/** The plain values of a corpus expected file (metadata keys dropped). */
export function readExpected(relativePath: string): Record<string, unknown> {
  const raw = JSON.parse(readFileSync(path.join(CORPUS_DIR, relativePath), 'utf8')) as Record<
    string,
    unknown
  >;
  return Object.fromEntries(Object.entries(raw).filter(([key]) => !key.startsWith('_')));
}

/** Wraps plain values as extracted fields with one confidence and source. */
export function toFields(
  values: Record<string, unknown>,
  confidence = 1,
  method: ExtractionMethod = 'ubl',
): InvoiceFields {
  const source = method === 'ocr' ? 'ocr' : method === 'pdf-text' ? 'text' : 'xml';
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) fields[name] = { value, confidence, source };
  return fields as InvoiceFields;
}

export interface InputOptions {
  caseId?: string;
  sha256?: string;
  method?: ExtractionMethod;
  documentKind?: DocumentKind;
  confidence?: number;
}

export function makeInput(
  values: Record<string, unknown>,
  options: InputOptions = {},
  rest: Partial<ValidationInput> = {},
): ValidationInput {
  const method = options.method ?? 'ubl';
  const extraction: Extraction = {
    method,
    documentKind: options.documentKind ?? 'invoice',
    fields: toFields(values, options.confidence ?? 1, method),
    pageCount: 1,
    warnings: [],
  };
  return {
    caseId: options.caseId ?? 'case-new',
    sha256: options.sha256 ?? 'f'.repeat(64),
    extraction,
    earlier: [],
    settings: DEFAULT_SETTINGS,
    ...rest,
  };
}

/** The corpus's files with ground truth, as listed in its index. */
export function corpusEntries(): Array<{ path: string; kind: string; expected: string }> {
  const index = JSON.parse(readFileSync(path.join(CORPUS_DIR, 'index.json'), 'utf8')) as {
    files: Array<{ path: string; kind?: string; expected?: string }>;
  };
  return index.files
    .filter((f) => f.expected && f.kind)
    .map((f) => ({ path: f.path, kind: f.kind!, expected: f.expected! }));
}
