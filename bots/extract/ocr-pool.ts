import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createWorker, OEM, type Worker } from 'tesseract.js';
import { SystemError } from '../../runner/errors.ts';
import type { Logger } from '../../runner/logger.ts';
import { upscaleForOcr } from './image-prep.ts';
import type { PagedLine } from './label-search.ts';

const require = createRequire(import.meta.url);

/** English data shipped in @tesseract.js-data/eng, so no language file is ever downloaded. */
const LANG_PATH = path.join(
  path.dirname(require.resolve('@tesseract.js-data/eng/package.json')),
  '4.0.0',
);
const CACHE_PATH = path.join(os.tmpdir(), 'rpa-tesseract-cache');

interface Word {
  text: string;
  bbox: { x0: number; y0: number; x1: number; y1: number };
}

/**
 * A fixed set of tesseract.js workers, created on first use and reused for every page. A page
 * that takes longer than the limit fails with OCR_FAILED and its worker is replaced, because a
 * stuck worker cannot be interrupted any other way.
 */
export class OcrPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<(worker: Worker) => void> = [];
  private created = 0;
  private closed = false;

  private readonly pagesRead = new Map<Worker, number>();

  /**
   * @param size workers at most
   * @param pagesPerWorker pages one worker reads before it is terminated and replaced, to
   *   keep memory bounded; default 50
   */
  constructor(
    private readonly size: number,
    private readonly logger: Logger,
    private readonly pagesPerWorker = 50,
  ) {}

  /**
   * Recognises one image (PNG/JPEG/TIFF bytes) into text lines tagged with `page`. Small
   * images are upscaled first; when
   * the mean word confidence stays low the page is tried turned by 90, 180 and 270 degrees
   * (the eng data has no orientation detection) and the most confident reading is kept. The
   * time limit covers all attempts.
   */
  async recognize(
    image: Uint8Array,
    page: number,
    fileName: string,
    pageTimeoutMs: number,
  ): Promise<PagedLine[]> {
    const prepared = Buffer.from(await upscaleForOcr(image));
    const worker = await this.acquire();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      const fail = () => reject(new Error(`no result after ${pageTimeoutMs} ms`));
      timer = setTimeout(fail, pageTimeoutMs);
    });
    try {
      const best = await Promise.race([readBestOrientation(worker, prepared), timeout]);
      this.release(worker);
      return linesOf(best.blocks, page);
    } catch (error) {
      await this.discard(worker);
      throw new SystemError('OCR_FAILED', `${fileName}: OCR failed on page ${page}`, {
        cause: error,
        details: { file: fileName, page },
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Starts every worker now instead of on first use; each loads the language data, which takes
   * under a second. For a caller that wants the first page timed like any other (the
   * extraction benchmark does).
   */
  async warmUp(): Promise<void> {
    const started: Worker[] = [];
    while (this.created < this.size) started.push(await this.acquire());
    for (const worker of started) this.release(worker, false);
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = this.idle.splice(0);
    await Promise.all(workers.map((w) => w.terminate().catch(() => undefined)));
  }

  private async acquire(): Promise<Worker> {
    const ready = this.idle.pop();
    if (ready) return ready;
    if (this.created < this.size) {
      this.created++;
      try {
        const dir = process.env['RPA_TESSDATA_DIR'];
        return await createWorker('eng', OEM.LSTM_ONLY, {
          langPath: dir ?? LANG_PATH,
          gzip: !dir,
          cachePath: dir ? path.join(CACHE_PATH, 'system') : CACHE_PATH,
        });
      } catch (error) {
        this.created--;
        throw new SystemError('OCR_FAILED', 'the OCR engine could not start', { cause: error });
      }
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(worker: Worker, hasRead = true): void {
    const pages = (this.pagesRead.get(worker) ?? 0) + (hasRead ? 1 : 0);
    this.pagesRead.set(worker, pages);
    if (pages >= this.pagesPerWorker && !this.closed) {
      // tesseract's wasm heap only grows; a fresh worker gives the memory back.
      this.logger.info('OCR worker recycled', { count: pages });
      void this.discard(worker, false);
      return;
    }
    const next = this.waiting.shift();
    if (next) next(worker);
    else if (this.closed) void worker.terminate();
    else this.idle.push(worker);
  }

  private async discard(worker: Worker, hasFailed = true): Promise<void> {
    this.created--;
    this.pagesRead.delete(worker);
    if (hasFailed)
      this.logger.warn('OCR worker replaced after a failed page', { count: this.created });
    await worker.terminate().catch(() => undefined);
    const next = this.waiting.shift();
    if (next) void this.acquire().then(next);
  }
}

/**
 * Below this mean word confidence (0-100) a page is also tried turned. Upright pages of the
 * corpus read at 57-92 (a crumpled receipt photo is the 57), the same pages turned by 90 or 180
 * degrees at 23-36, so 45 tells them apart without reading a poor but upright photo four times.
 */
const LOW_CONFIDENCE = 45;
const TURNS = [Math.PI / 2, Math.PI, (3 * Math.PI) / 2];

type Blocks = Array<{ paragraphs: Array<{ lines: Array<{ words: Word[] }> }> }>;

async function readOnce(worker: Worker, image: Buffer, rotateRadians?: number) {
  // rotateAuto (deskew) is left off: on the demo scan it lost digits that plain LSTM reads,
  // and the LSTM line finder copes with the few degrees of skew of a sheet-fed scan.
  const options = rotateRadians === undefined ? {} : { rotateRadians };
  const result = await worker.recognize(image, options, { blocks: true, text: true });
  return { blocks: (result.data.blocks ?? []) as Blocks, confidence: result.data.confidence };
}

async function readBestOrientation(worker: Worker, image: Buffer) {
  let best = await readOnce(worker, image);
  for (const turn of TURNS) {
    if (best.confidence >= LOW_CONFIDENCE) break;
    const turned = await readOnce(worker, image, turn);
    if (turned.confidence > best.confidence) best = turned;
  }
  return best;
}

// Words further apart than about one line height are separate cells ("Total    12.50").
function linesOf(blocks: Blocks, page: number): PagedLine[] {
  const out: PagedLine[] = [];
  for (const line of blocks.flatMap((b) => b.paragraphs.flatMap((p) => p.lines))) {
    const words = line.words.filter((w) => w.text.trim() !== '');
    if (words.length === 0) continue;
    const height = Math.max(...words.map((w) => w.bbox.y1 - w.bbox.y0), 1);
    const cells: string[] = [];
    const cellX: number[] = [];
    let end = Number.NEGATIVE_INFINITY;
    for (const word of words) {
      if (cells.length === 0 || word.bbox.x0 - end > height * 1.2) {
        cells.push(word.text);
        cellX.push(word.bbox.x0);
      } else cells[cells.length - 1] += ` ${word.text}`;
      end = word.bbox.x1;
    }
    out.push({ page, text: cells.join('  '), cells, cellX });
  }
  return out;
}
