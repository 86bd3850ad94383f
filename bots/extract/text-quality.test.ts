import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../runner/logger.ts';
import { closeExtractors, extractDocument } from './index.ts';
import { judgeTextQuality } from './text-quality.ts';

/** A one-page PDF that draws `text` in Helvetica, built by hand so the test owns its bytes. */
function pdfWithText(lines: string[]): Uint8Array {
  const content = lines
    .map((l, i) => `BT /F1 14 Tf 60 ${760 - i * 22} Td (${l.replace(/[()\\]/g, '\\$&')}) Tj ET`)
    .join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const at of offsets) body += `${String(at).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}

afterAll(async () => {
  await closeExtractors();
});

describe('text layer quality', () => {
  it('accepts ordinary invoice text in several languages', () => {
    for (const text of [
      'Rechnung Nr. RE-2025-07882 Rechnungsdatum 14.05.2025 Gesamtbetrag EUR 984,46',
      'Invoice No. INV-000468 Invoice date January 26, 2025 Total GBP 216.00',
      'Facture n° FA2025-7615 Date de facture 28/02/2025 Total TTC 1 189,38 €',
    ]) {
      expect(judgeTextQuality(text).isGarbled, text).toBe(false);
    }
  });

  it('rejects private-use code points, symbol soup and consonant soup', () => {
    expect(judgeTextQuality('\uE001\uE002\uE003 \uE004\uE005'.repeat(6)).isGarbled).toBe(true);
    expect(judgeTextQuality('#%&* @!~^ {}|<> ?=+; $#@! ~^&* ()[]'.repeat(2)).reason).toMatch(
      /letters and digits/,
    );
    const soup = 'xkcd qwrt zxcv bnml pqrs hjkl mnbv ftgh wxyz vbnm trpq';
    expect(judgeTextQuality(soup).reason).toMatch(/look like words/);
  });

  it('ignores pages too short to judge', () => {
    expect(judgeTextQuality('#%&*').isGarbled).toBe(false);
  });

  it('sends a PDF whose text layer is nonsense to OCR, with a warning', async () => {
    const pdf = pdfWithText([
      '#%&* @!~^ {}|<> ?=+; $#@! ~^&*',
      '[]{} <>|\\ ^~*# @@%% &&** ++==',
      '!?!? #### %%%% @@@@ ^^^^ ****',
    ]);
    const result = await extractDocument(
      { bytes: pdf, fileName: 'garbled.pdf' },
      { ocrWorkers: 1, ocrPageTimeoutMs: 120_000, ocrRenderScale: 2, logger: silentLogger },
    );
    expect(result.method).toBe('ocr');
    expect(result.warnings.join('\n')).toMatch(/garbled text layer on page 1/);
  });
});
