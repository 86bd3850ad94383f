import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { afterAll, describe, expect, it } from 'vitest';
import { errorCodeOf } from '../../runner/errors.ts';
import { silentLogger } from '../../runner/logger.ts';
import { closeExtractors, extractDocument } from './index.ts';
import { OcrPool } from './ocr-pool.ts';
import { encodeTiff, type GreyPage } from './tiff-encode.ts';
import { splitTiffPages } from './tiff-pages.ts';

const SCAN = path.resolve(import.meta.dirname, '../../fixtures/demo/07_scan_0001.png');
const options = {
  ocrWorkers: 2,
  ocrPageTimeoutMs: 180_000,
  ocrRenderScale: 3,
  logger: silentLogger,
};

/** The demo scan as grey pixels, turned by `quarterTurns` x 90 degrees clockwise. */
async function greyScan(quarterTurns: number): Promise<GreyPage> {
  const image = await loadImage(readFileSync(SCAN));
  const isSideways = quarterTurns % 2 === 1;
  const width = isSideways ? image.height : image.width;
  const height = isSideways ? image.width : image.height;
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.translate(width / 2, height / 2);
  context.rotate((quarterTurns * Math.PI) / 2);
  context.drawImage(image, -image.width / 2, -image.height / 2);
  const rgba = context.getImageData(0, 0, width, height).data;
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rgba[i * 4] ?? 255;
  return { width, height, pixels };
}

afterAll(async () => {
  await closeExtractors();
});

describe('OCR input handling', () => {
  it('splits a multi-page TIFF into single-page TIFFs', async () => {
    const page = await greyScan(0);
    const pages = splitTiffPages(encodeTiff([page, page, page]), 'three.tif');
    expect(pages).toHaveLength(3);
  });

  it('reads each page of a TIFF, the second one upside down', async () => {
    const tiff = encodeTiff([await greyScan(0), await greyScan(2)]);
    const result = await extractDocument({ bytes: tiff, fileName: 'scan.tif' }, options);
    expect(result.method).toBe('ocr');
    expect(result.pageCount).toBe(2);
    expect(result.fields.invoice_number?.value).toBe('INV-006332');
    const pool = new OcrPool(1, silentLogger);
    const secondPage = await pool
      .recognize(splitTiffPages(tiff, 'scan.tif')[1]!, 2, 'scan.tif', 180_000)
      .finally(() => pool.close());
    expect(secondPage.map((l) => l.text).join('\n')).toMatch(/INV-006332/);
  });

  it('reads a page scanned sideways', async () => {
    const tiff = encodeTiff([await greyScan(1)]);
    const result = await extractDocument({ bytes: tiff, fileName: 'sideways.tif' }, options);
    expect(result.fields.gross_total?.value).toBe('1867.61');
  });

  it('recycles a worker after its page quota and keeps reading', async () => {
    const pool = new OcrPool(1, silentLogger, 1);
    try {
      const png = readFileSync(SCAN);
      const first = await pool.recognize(png, 1, 'a.png', 180_000);
      const second = await pool.recognize(png, 1, 'a.png', 180_000);
      expect(second.map((l) => l.text)).toEqual(first.map((l) => l.text));
    } finally {
      await pool.close();
    }
  });

  it('refuses a blank scan with NO_TEXT, naming the file', async () => {
    const blank = { width: 1200, height: 1600, pixels: new Uint8Array(1200 * 1600).fill(255) };
    const error = await extractDocument(
      { bytes: encodeTiff([blank]), fileName: 'blank.tif' },
      options,
    ).catch((e: unknown) => e);
    expect(errorCodeOf(error)).toBe('NO_TEXT');
    expect((error as Error).message).toBe('blank.tif: no text could be read from the document');
  });
});
