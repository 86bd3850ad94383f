import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodeOf } from '../../runner/errors.ts';
import { plainFields } from '../../runner/invoice.ts';
import { silentLogger } from '../../runner/logger.ts';
import { generateInvoice } from '../../fixtures/invoices/generate.ts';
import { writeInvoicePdf } from '../../fixtures/invoices/pdf.ts';
import { listCorpus, scoreFields } from '../../scripts/lib/corpus.ts';
import { makeInput } from '../validate/test-input.ts';
import { validateInvoice } from '../validate/validate-invoice.ts';
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

describe('IBANs on the text layer', () => {
  const invoice = generateInvoice({ seed: 41, vendorId: 'brandt', language: 'de' });
  const printed = invoice.vendor.iban;
  const lastDigit = Number(printed.slice(-1));
  const mistyped = `${printed.slice(0, -1)}${(lastDigit + 1) % 10}`;

  const extractPdf = (pdf: Uint8Array) =>
    extractDocument({ bytes: pdf, fileName: 'brandt.pdf' }, { ...options, readEmbeddedXml: false });

  it('reads a valid IBAN exactly, at the confidence it always had', async () => {
    const result = await extractPdf(writeInvoicePdf(invoice));
    expect(result.fields.iban).toMatchObject({ value: printed, confidence: 0.95, source: 'text' });
  });

  it('keeps a labelled IBAN whose checksum fails, and validation holds it as IBAN_INVALID', async () => {
    const pdf = writeInvoicePdf({ ...invoice, vendor: { ...invoice.vendor, iban: mistyped } });
    const result = await extractPdf(pdf);
    expect(result.fields.iban?.value).toBe(mistyped);
    expect(result.fields.iban!.confidence).toBeLessThan(0.95);
    const holds = validateInvoice(makeInput({}, {}, { extraction: result })).filter(
      (r) => r.result === 'hold',
    );
    expect(holds.map((h) => h.code)).toContain('IBAN_INVALID');
  });

  it("reads the corpus's placeholder IBANs, labelled or of their country's length", async () => {
    const read = async (suffix: string) => {
      const entry = pdfs.find((e) => e.path.endsWith(suffix))!;
      const result = await extractDocument(
        { bytes: readFileSync(entry.path), fileName: entry.path },
        { ...options, readEmbeddedXml: false },
      );
      return result.fields.iban?.value;
    };
    // "IBAN :  DE12 1234 4321 9876 00": four digits short of a German IBAN, but labelled.
    expect(await read('EN16931_Innergemeinschaftliche_Lieferungen.pdf')).toBe('DE1212344321987600');
    // Unlabelled in running text, 22 characters like every German IBAN.
    expect(await read('ZUGFeRD_1p0_COMFORT_Kraftfahrversicherung_Bruttopreise.pdf')).toBe(
      'DE75123456780000001234',
    );
    // VAT ids and other country-prefixed numbers are not taken for one.
    expect(await read('EN16931_Einfach.pdf')).toBeUndefined();
    expect(await read('AzureInterior.pdf')).toBeUndefined();
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
