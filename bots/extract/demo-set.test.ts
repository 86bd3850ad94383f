import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
const options = {
  ocrWorkers: 1,
  ocrPageTimeoutMs: 120_000,
  ocrRenderScale: 3,
  logger: silentLogger,
};
const demos = existsSync(DEMO_DIR)
  ? readdirSync(DEMO_DIR).filter((f) => existsSync(path.join(DEMO_DIR, `${f}.expected.json`)))
  : [];

afterAll(async () => {
  await closeExtractors();
});

describe('the bundled demo documents', () => {
  it('exist', () => {
    expect(demos.length).toBeGreaterThanOrEqual(7);
  });

  it.each(demos)(
    '%s: every expected field exact, required ones at confidence >= 0.6',
    async (name) => {
      const file = path.join(DEMO_DIR, name);
      const expected = JSON.parse(readFileSync(`${file}.expected.json`, 'utf8'));
      const result = await extractDocument({ bytes: readFileSync(file), fileName: name }, options);
      const misses = scoreFields(plainFields(result.fields), expected).filter((s) => !s.hit);
      expect(misses).toEqual([]);
      for (const field of REQUIRED) {
        const value = (result.fields as Record<string, { confidence: number } | undefined>)[field];
        expect(value?.confidence, field).toBeGreaterThanOrEqual(0.6);
      }
    },
  );
});
