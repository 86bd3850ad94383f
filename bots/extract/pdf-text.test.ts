import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodeOf } from '../../runner/errors.ts';
import { plainFields } from '../../runner/invoice.ts';
import { silentLogger } from '../../runner/logger.ts';
import { listCorpus, scoreFields } from '../../scripts/lib/corpus.ts';
import { extractDocument } from './index.ts';

const options = {
  ocrWorkers: 1,
  ocrPageTimeoutMs: 60_000,
  ocrRenderScale: 3,
  logger: silentLogger,
};
const KEY_FIELDS = ['invoice_number', 'issue_date', 'currency', 'gross_total'];
const pdfs = listCorpus().filter((e) => e.kind === 'text-pdf' || e.kind === 'facturx-pdf');

describe('text-layer extraction over the corpus PDFs (embedded XML switched off)', () => {
  it('reads the four key fields at 95 % or better, and the others at sensible floors', async () => {
    const tally = new Map<string, { hits: number; total: number }>();
    for (const entry of pdfs) {
      const result = await extractDocument(
        { bytes: readFileSync(entry.path), fileName: entry.path },
        { ...options, readEmbeddedXml: false },
      );
      expect(result.method).toBe('pdf-text');
      for (const score of scoreFields(plainFields(result.fields), entry.expected)) {
        const t = tally.get(score.field) ?? { hits: 0, total: 0 };
        t.total++;
        if (score.hit) t.hits++;
        tally.set(score.field, t);
      }
    }
    const rate = (field: string) => {
      const t = tally.get(field)!;
      return t.hits / t.total;
    };
    const key = KEY_FIELDS.map((f) => tally.get(f)!).reduce(
      (a, t) => ({ hits: a.hits + t.hits, total: a.total + t.total }),
      { hits: 0, total: 0 },
    );
    expect(pdfs.length).toBe(26);
    expect(key.hits / key.total).toBeGreaterThanOrEqual(0.95);
    expect(rate('currency')).toBe(1);
    expect(rate('seller_vat_id')).toBeGreaterThanOrEqual(0.85);
    expect(rate('tax_total')).toBeGreaterThanOrEqual(0.8);
    expect(rate('net_total')).toBeGreaterThanOrEqual(0.7);
    expect(rate('due_date')).toBeGreaterThanOrEqual(0.8);
    expect(rate('iban')).toBeGreaterThanOrEqual(0.65);
  });

  it('gives each text-layer field a confidence below the XML certainty', async () => {
    const entry = pdfs.find((e) => e.path.endsWith('QualityHosting.pdf'))!;
    const result = await extractDocument(
      { bytes: readFileSync(entry.path), fileName: entry.path },
      options,
    );
    expect(result.fields.invoice_number).toMatchObject({ value: '30064443', source: 'text' });
    expect(result.fields.invoice_number!.confidence).toBeLessThan(1);
    expect(result.fields.gross_total?.value).toBe('34.73');
    expect(result.pageCount).toBe(2);
  });
});

describe('bad input', () => {
  it('refuses a corrupt PDF with FILE_UNREADABLE naming the file', async () => {
    const bytes = new TextEncoder().encode('%PDF-1.7\n1 0 obj <<< garbage >>\n%%EOF');
    const error = await extractDocument({ bytes, fileName: 'broken.pdf' }, options).catch((e) => e);
    expect(errorCodeOf(error)).toBe('FILE_UNREADABLE');
    expect(error.message).toContain('broken.pdf');
  });

  it('refuses an unknown file type with UNSUPPORTED_FILE', async () => {
    const bytes = new TextEncoder().encode('PK\u0003\u0004 not an invoice');
    const error = await extractDocument(
      { bytes, fileName: 'sheet.xlsx', mediaType: 'application/vnd.ms-excel' },
      options,
    ).catch((e) => e);
    expect(errorCodeOf(error)).toBe('UNSUPPORTED_FILE');
    expect(error.message).toContain('sheet.xlsx');
  });

  it('refuses an empty file with FILE_UNREADABLE', async () => {
    const error = await extractDocument(
      { bytes: new Uint8Array(), fileName: 'e.pdf' },
      options,
    ).catch((e) => e);
    expect(errorCodeOf(error)).toBe('FILE_UNREADABLE');
  });
});
