/**
 * Extraction benchmark over the shared corpus: per kind and field, the share of expected
 * values read exactly, and the time per page; beside it, on the same pages in the same run,
 * native `pdftotext -layout` (text PDFs) and native `tesseract` (images) fed to the same field
 * reader, with time ratios. Images get two references: tesseract with its system language data
 * (on Debian the small "fast" model), and tesseract with the very model tesseract.js is given,
 * which measures the engines alone. The OCR workers are started before the clock runs, as in a
 * long-running worker; their start-up is reported on its own. `line_items` counts a document
 * when every row's amounts match;
 * `key4` pools invoice number, issue date, currency and gross total. The bundled demo set
 * (`fixtures/demo`) is measured too. Usage:
 * `tsx scripts/bench-extract.ts [--json] [--workers N] [--kind NAME]`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import type { PagedLine } from '../bots/extract/label-search.ts';
import { closeExtractors, extractDocument, startOcrWorkers } from '../bots/extract/index.ts';
import { readTextFields } from '../bots/extract/text-fields.ts';
import { plainFields } from '../runner/invoice.ts';
import { silentLogger } from '../runner/logger.ts';
import { type CorpusEntry, listCorpus, listDemoSet, scoreFields } from './lib/corpus.ts';

const run = promisify(execFile);
const asJson = process.argv.includes('--json');
const workersArg = process.argv.indexOf('--workers');
const workers = workersArg > 0 ? Number(process.argv[workersArg + 1]) : 2;
const options = {
  ocrWorkers: workers,
  ocrPageTimeoutMs: 120_000,
  ocrRenderScale: 3,
  logger: silentLogger,
};

interface Tally {
  [field: string]: { hits: number; total: number };
}
const KEY_FIELDS = ['invoice_number', 'issue_date', 'currency', 'gross_total'];
const kindArg = process.argv.indexOf('--kind');
const onlyKind = kindArg > 0 ? process.argv[kindArg + 1] : undefined;

interface KindReport {
  kind: string;
  files: number;
  pages: number;
  msPerPage: number;
  fields: Tally;
  /** The four key fields pooled. */
  key4: { hits: number; total: number };
  /** Documents in which a vendor template was applied. */
  templated: number;
  reference?: { tool: string; msPerPage: number; fields: Tally; timeRatio: number };
  /** Images only: native tesseract given the same language data as tesseract.js. */
  sameModelReference?: { msPerPage: number; timeRatio: number };
  /** Images only: time to start the OCR workers, not counted in msPerPage. */
  ocrStartMs?: number;
}

function add(tally: Tally, actual: Record<string, unknown>, expected: Record<string, unknown>) {
  for (const s of scoreFields(actual, expected)) {
    const t = tally[s.field] ?? { hits: 0, total: 0 };
    t.total++;
    if (s.hit) t.hits++;
    tally[s.field] = t;
  }
}

function pooled(tally: Tally, fields: string[]): { hits: number; total: number } {
  return fields
    .map((f) => tally[f] ?? { hits: 0, total: 0 })
    .reduce((a, t) => ({ hits: a.hits + t.hits, total: a.total + t.total }), { hits: 0, total: 0 });
}

/** Runs `task` over the entries with at most `limit` at a time; returns elapsed ms. */
async function timed<T>(entries: T[], limit: number, task: (e: T) => Promise<void>) {
  const start = performance.now();
  const queue = [...entries];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let e = queue.shift(); e !== undefined; e = queue.shift()) await task(e);
    }),
  );
  return performance.now() - start;
}

function linesOfPlainText(text: string, splitter: RegExp): PagedLine[] {
  return text.split('\f').flatMap((pageText, p) =>
    pageText
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((line) => {
        const cells: string[] = [];
        const cellX: number[] = [];
        for (const m of line.matchAll(splitter)) {
          cells.push(m[0].trim());
          cellX.push((m.index ?? 0) * 5);
        }
        return { page: p + 1, text: cells.join('  '), cells, cellX };
      }),
  );
}

/** tesseract.js's own language data, unpacked for native tesseract's `--tessdata-dir`. */
function unpackOwnModel(): string {
  const require = createRequire(import.meta.url);
  const dataDir = path.dirname(require.resolve('@tesseract.js-data/eng/package.json'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-tessdata-'));
  const packed = readFileSync(path.join(dataDir, '4.0.0', 'eng.traineddata.gz'));
  writeFileSync(path.join(dir, 'eng.traineddata'), gunzipSync(packed));
  return dir;
}

async function nativeReference(
  kind: string,
  entries: CorpusEntry[],
  tally: Tally,
  tessdataDir?: string,
) {
  const isImage = kind.startsWith('image');
  const tool = isImage ? 'tesseract' : 'pdftotext';
  const env = { ...process.env, OMP_THREAD_LIMIT: '1' };
  const model = tessdataDir ? ['--oem', '1', '--tessdata-dir', tessdataDir] : [];
  const ms = await timed(entries, isImage ? workers : 1, async (e) => {
    const args = isImage ? [e.path, 'stdout', '-l', 'eng', ...model] : ['-layout', e.path, '-'];
    const { stdout } = await run(tool, args, { env, maxBuffer: 64 * 1024 * 1024 });
    const lines = linesOfPlainText(stdout, isImage ? /\S.*\S|\S/g : /\S+(?: \S+)*/g);
    add(tally, plainFields(readTextFields(lines, isImage ? 'ocr' : 'text').fields), e.expected);
  });
  return { tool, ms };
}

async function benchKind(kind: string, entries: CorpusEntry[], readEmbeddedXml: boolean) {
  const tally: Tally = {};
  let pages = 0;
  let templated = 0;
  const isImage = kind.startsWith('image');
  const limit = isImage ? workers : 1;
  const startedAt = performance.now();
  if (isImage) await startOcrWorkers(options);
  const ocrStartMs = performance.now() - startedAt;
  const ms = await timed(entries, limit, async (e) => {
    const input = { bytes: readFileSync(e.path), fileName: e.path };
    const result = await extractDocument(input, { ...options, readEmbeddedXml });
    pages += Math.max(1, result.pageCount);
    if (result.warnings.some((w) => w.startsWith('template '))) templated++;
    add(tally, plainFields(result.fields), e.expected);
  });
  const report: KindReport = {
    kind,
    files: entries.length,
    pages,
    msPerPage: ms / pages,
    fields: tally,
    key4: pooled(tally, KEY_FIELDS),
    templated,
  };
  const isTextual =
    kind === 'text-pdf' || kind.includes('facturx-pdf (text') || kind.startsWith('image');
  if (isTextual) {
    const refTally: Tally = {};
    const ref = await nativeReference(kind, entries, refTally);
    const refPerPage = ref.ms / pages;
    report.reference = {
      tool: ref.tool,
      msPerPage: refPerPage,
      fields: refTally,
      timeRatio: report.msPerPage / refPerPage,
    };
  }
  if (isImage) {
    const same = await nativeReference(kind, entries, {}, ownModelDir());
    const msPerPage = same.ms / pages;
    report.sameModelReference = { msPerPage, timeRatio: report.msPerPage / msPerPage };
    report.ocrStartMs = ocrStartMs;
  }
  return report;
}

function percent(t: { hits: number; total: number } | undefined): string {
  return t ? `${((100 * t.hits) / t.total).toFixed(0)}% (${t.hits}/${t.total})` : '-';
}

function print(report: KindReport) {
  const ref = report.reference;
  console.log(
    `\n## ${report.kind}: ${report.files} files, ${report.pages} pages, ${report.msPerPage.toFixed(0)} ms/page`,
  );
  console.log(`   key4 ${percent(report.key4)}, vendor template applied in ${report.templated}`);
  if (ref)
    console.log(
      `   reference ${ref.tool}: ${ref.msPerPage.toFixed(0)} ms/page, ours/native time ratio ${ref.timeRatio.toFixed(2)}`,
    );
  const same = report.sameModelReference;
  if (same)
    console.log(
      `   reference tesseract, same model as ours: ${same.msPerPage.toFixed(0)} ms/page, ours/native time ratio ${same.timeRatio.toFixed(2)}; OCR workers started in ${report.ocrStartMs?.toFixed(0)} ms (not counted)`,
    );
  for (const [field, t] of Object.entries(report.fields)) {
    const refText = ref ? `   native ${percent(ref.fields[field])}` : '';
    console.log(`   ${field.padEnd(16)} ${percent(t).padEnd(14)}${refText}`);
  }
}

const corpus = listCorpus();
const plan: Array<[string, CorpusEntry[], boolean]> = [
  ['xml-ubl', corpus.filter((e) => e.kind === 'xml-ubl'), true],
  ['xml-cii', corpus.filter((e) => e.kind === 'xml-cii'), true],
  ['facturx-pdf', corpus.filter((e) => e.kind === 'facturx-pdf'), true],
  ['facturx-pdf (text layer)', corpus.filter((e) => e.kind === 'facturx-pdf'), false],
  ['text-pdf', corpus.filter((e) => e.kind === 'text-pdf'), true],
  ['image-render', corpus.filter((e) => e.kind === 'image-render'), true],
  ['image-scan', corpus.filter((e) => e.kind === 'image-scan'), true],
  ['demo', listDemoSet(), true],
];
const reports: KindReport[] = [];
let ownModel: string | undefined;
const ownModelDir = () => {
  ownModel ??= unpackOwnModel();
  return ownModel;
};
try {
  for (const [kind, entries, embedded] of plan) {
    if (onlyKind && kind !== onlyKind) continue;
    const report = await benchKind(kind, entries, embedded);
    reports.push(report);
    if (!asJson) print(report);
  }
} finally {
  await closeExtractors();
  if (ownModel) rmSync(ownModel, { recursive: true, force: true });
}
if (asJson) console.log(JSON.stringify({ workers, reports }, null, 2));
