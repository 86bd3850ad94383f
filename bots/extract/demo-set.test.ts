import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { plainFields } from '../../runner/invoice.ts';
import { silentLogger } from '../../runner/logger.ts';
import { scoreFields } from '../../scripts/lib/corpus.ts';
import { closeExtractors, extractDocument } from './index.ts';

const DEMO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/demo');
const REQUIRED = [
  'seller_name',
  'invoice_number',
  'issue_date',
  'currency',
  'gross_total',
  'net_total',
  'tax_total',
];
/** The validation default: a required field read below it is held as FIELD_LOW_CONFIDENCE. */
const MIN_CONFIDENCE = 0.5;
const options = {
  ocrWorkers: 1,
  ocrPageTimeoutMs: 120_000,
  ocrRenderScale: 3,
  logger: silentLogger,
};

interface Entry {
  file: string;
  outcome: string;
  reason?: string;
}

const INDEX = path.join(DEMO_DIR, 'index.json');
const entries: Entry[] = existsSync(INDEX)
  ? (JSON.parse(readFileSync(INDEX, 'utf8')) as Entry[]).filter((e) =>
      existsSync(path.join(DEMO_DIR, `${e.file}.expected.json`)),
    )
  : [];
const named = entries.map((e) => [e.file, e] as const);

afterAll(async () => {
  await closeExtractors();
});

function read(entry: Entry) {
  const file = path.join(DEMO_DIR, entry.file);
  const expected = JSON.parse(readFileSync(`${file}.expected.json`, 'utf8'));
  const result = extractDocument({ bytes: readFileSync(file), fileName: entry.file }, options);
  return { expected, result };
}

type Fields = Record<string, { value: unknown; confidence: number } | undefined>;

describe('the bundled demo documents', () => {
  it('exist', () => {
    expect(entries.length).toBeGreaterThanOrEqual(7);
  });

  it.each(named)('%s: read as its expected file and index entry say', async (_name, entry) => {
    const { expected, result } = read(entry);
    const error = expected._extra?.expected_error;
    if (error) {
      await expect(result).rejects.toMatchObject({ code: error });
      return;
    }
    const extraction = await result;
    const fields = extraction.fields as Fields;
    const misses = scoreFields(plainFields(extraction.fields), expected).filter((s) => !s.hit);
    const unsure = REQUIRED.filter((f) => (fields[f]?.confidence ?? 1) < MIN_CONFIDENCE);
    if (entry.reason === 'NOT_AN_INVOICE') {
      expect(extraction.documentKind).toBe('reminder');
      expect(misses).toEqual([]);
      return;
    }
    expect(extraction.documentKind).toBe('invoice');
    // A low confidence is the extractor saying it may be wrong: only those fields may miss.
    expect(misses.filter((m) => !unsure.includes(m.field))).toEqual([]);
    expect(unsure.length > 0).toBe(entry.reason === 'FIELD_LOW_CONFIDENCE');
    const stated = REQUIRED.filter((f) => expected[f] !== undefined);
    const unread = REQUIRED.filter((f) => !fields[f]);
    expect(unread).toEqual(REQUIRED.filter((f) => !stated.includes(f)));
    if (entry.reason === 'FIELD_MISSING') expect(unread).not.toEqual([]);
    if (unsure.length > 0) return;
    for (const field of stated)
      expect(fields[field]?.confidence, field).toBeGreaterThanOrEqual(0.6);
  });
});
