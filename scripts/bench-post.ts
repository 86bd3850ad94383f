/**
 * Posting benchmark: time and memory per posted invoice through the runner (openPostingSession
 * + post, a screenshot after every step, search before entry) against a bare Playwright script
 * that does the same ERP work (log in once, search the vendor and number, fill the same form,
 * attach the original, save, read the number) with no runner, no map resolution and no
 * screenshots. Same run, same fixture ERP, alternating rounds so neither side gets a warmer
 * machine. Usage: `tsx scripts/bench-post.ts [--json] [--count N] [--release v1|v2]`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { formatAmount, formatDate } from '../bots/post/fixture-erp/format.ts';
import { openPostingSession, type PostInvoice } from '../bots/post/index.ts';
import { corpusInvoice, EN16931 } from '../bots/post/test-support.ts';
import { startFixtureErp } from '../fixtures/erp/server.ts';
import { CHROMIUM_ARGS, findChromium } from '../runner/browser.ts';
import { silentLogger } from '../runner/logger.ts';
import { framePath, loadSelectorMap } from '../runner/selectors.ts';

const asJson = process.argv.includes('--json');
const argOf = (name: string, fallback: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1]! : fallback;
};
const COUNT = Number(argOf('--count', '10'));
const RELEASE = argOf('--release', 'v1') as 'v1' | 'v2';
const PASSWORD = 'bench-pw';

interface Side {
  ms: number[];
  /** Peak resident set of this process, MiB. */
  nodeRssMiB: number;
  /** Peak JS heap in use, MiB. */
  heapMiB: number;
  /** Peak resident set of the browser and its renderers, MiB. */
  browserRssMiB: number;
}

const newSide = (): Side => ({ ms: [], nodeRssMiB: 0, heapMiB: 0, browserRssMiB: 0 });

/** RSS of every process below this one (Chromium and its renderers), in MiB. */
function childrenRssMiB(): number {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,rss='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number, number]);
  const below = new Set([process.pid]);
  let kib = 0;
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid, rss] of rows) {
      if (below.has(ppid) && !below.has(pid)) {
        below.add(pid);
        kib += rss;
        grew = true;
      }
    }
  }
  return kib / 1024;
}

function sample(side: Side): void {
  const mem = process.memoryUsage();
  side.nodeRssMiB = Math.max(side.nodeRssMiB, mem.rss / 2 ** 20);
  side.heapMiB = Math.max(side.heapMiB, mem.heapUsed / 2 ** 20);
  side.browserRssMiB = Math.max(side.browserRssMiB, childrenRssMiB());
}

/**
 * The bare script: the map's primary selectors as plain strings, Playwright calls only. A field
 * the map puts in a frame is reached through the frame's primary iframe selector.
 */
function bareBot(page: Page, baseUrl: string) {
  const map = loadSelectorMap('fixture-erp', RELEASE);
  const $ = (name: string, row = 0): Locator => {
    const element = map.elements[name]!;
    let scope: Page | FrameLocator = page;
    for (const frame of framePath(map, element.frame)) {
      scope = scope.frameLocator(map.frames[frame]!.primary);
    }
    return scope.locator(element.primary.replace('{row}', String(row)));
  };
  // The next page may load in a frame: a portal's menu and its forms load into the iframe.
  // 'load' of the frame that navigated also waits for a shell's iframe to finish loading.
  const nav = async (target: Locator) => {
    const [frame] = await Promise.all([page.waitForEvent('framenavigated'), target.click()]);
    await frame.waitForLoadState('load');
  };
  return async (invoice: PostInvoice, originalPath: string): Promise<string> => {
    await page.goto(baseUrl, { waitUntil: 'load' });
    if (await $('login.user').count()) {
      await $('login.user').fill('bot');
      await $('login.password').fill(PASSWORD);
      await nav($('login.submit'));
    }
    await nav($('menu.invoice_search'));
    await $('search.vendor').fill(invoice.seller_name);
    await $('search.invoice_number').fill(invoice.invoice_number);
    await nav($('search.submit'));
    if (await $('search.result_row').count()) throw new Error('already posted');
    await nav($('menu.invoice_entry'));
    const f = map.formats;
    const header: Array<[string, string | undefined]> = [
      ['invoice.vendor_name', invoice.seller_name],
      ['invoice.vendor_vat_id', invoice.seller_vat_id],
      ['invoice.invoice_number', invoice.invoice_number],
      ['invoice.issue_date', formatDate(invoice.issue_date, f)],
      ['invoice.due_date', invoice.due_date && formatDate(invoice.due_date, f)],
      ['invoice.net_total', formatAmount(invoice.net_total, f)],
      ['invoice.tax_total', formatAmount(invoice.tax_total, f)],
      ['invoice.gross_total', formatAmount(invoice.gross_total, f)],
      ['invoice.order_reference', invoice.order_reference],
    ];
    for (const [name, value] of header) if (value) await $(name).fill(value);
    await $('invoice.currency').selectOption(invoice.currency);
    for (const [row, line] of (invoice.line_items ?? []).entries()) {
      if (row > 0) await $('invoice.add_line').click();
      await $('line.description', row).fill(line.description ?? '');
      if (line.quantity) await $('line.quantity', row).fill(formatAmount(line.quantity, f));
      if (line.unit_price) await $('line.unit_price', row).fill(formatAmount(line.unit_price, f));
      if (line.line_total) await $('line.line_total', row).fill(formatAmount(line.line_total, f));
    }
    await $('invoice.original_file').setInputFiles(originalPath);
    if (map.elements['invoice.confirm_save']) {
      await $('invoice.save').click();
      await nav($('invoice.confirm_save'));
    } else {
      await nav($('invoice.save'));
    }
    return (await $('invoice.document_number').textContent())?.trim() ?? '';
  };
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'bench-post-'));
  const erp = await startFixtureErp({
    dataFile: path.join(work, 'erp.json'),
    users: { bot: PASSWORD },
    release: RELEASE,
  });
  const { invoice, originalPath } = corpusInvoice(EN16931);
  const runner = newSide();
  const bare = newSide();
  /** Per-step durations of the runner, for finding where its time goes (`--steps`). */
  const stepMs = new Map<string, number[]>();
  const session = await openPostingSession({
    system: 'fixture-erp',
    baseUrl: erp.url,
    user: 'bot',
    password: PASSWORD,
    release: 'auto',
    browser: { headless: true, stepTimeoutMs: 15_000 },
    logger: silentLogger,
  });
  const browser = await chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const page = await (
    await browser.newContext({ viewport: { width: 1280, height: 900 } })
  ).newPage();
  const postBare = bareBot(page, erp.url);
  try {
    // Round 0 warms both sides up (first page loads, JIT) and is not counted.
    for (let round = 0; round <= COUNT; round++) {
      const number = (side: string) => `BENCH-${side}-${round}`;
      let started = performance.now();
      const result = await session.post({
        caseId: `bench-${round}`,
        runId: 'bench',
        invoice: { ...invoice, invoice_number: number('R') },
        originalPath,
        evidenceDir: path.join(work, 'evidence', String(round)),
      });
      if (!result.erpDocumentNumber) throw new Error('runner posted nothing');
      if (round > 0) runner.ms.push(performance.now() - started);
      if (round > 0) {
        for (const s of result.steps)
          stepMs.set(s.step, [...(stepMs.get(s.step) ?? []), s.durationMs]);
      }
      sample(runner);
      started = performance.now();
      const doc = await postBare({ ...invoice, invoice_number: number('B') }, originalPath);
      if (!doc) throw new Error('bare script posted nothing');
      if (round > 0) bare.ms.push(performance.now() - started);
      sample(bare);
    }
  } finally {
    await session.close();
    await browser.close();
    await erp.close();
    rmSync(work, { recursive: true, force: true });
  }
  report(runner, bare);
  if (process.argv.includes('--steps')) {
    for (const [step, ms] of stepMs)
      console.log(`  step ${step.padEnd(22)} ${Math.round(median(ms))} ms median`);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function report(runner: Side, bare: Side): void {
  const summary = (s: Side) => ({
    medianMs: Math.round(median(s.ms)),
    meanMs: Math.round(s.ms.reduce((a, b) => a + b, 0) / s.ms.length),
    nodeRssMiB: Math.round(s.nodeRssMiB),
    heapMiB: Math.round(s.heapMiB),
  });
  const figures = {
    release: RELEASE,
    invoices: COUNT,
    runner: summary(runner),
    bare: summary(bare),
    // Both browsers run side by side in this process, so their RSS is measured together.
    browsersRssMiB: Math.round(Math.max(runner.browserRssMiB, bare.browserRssMiB)),
    timeRatio: Number((median(runner.ms) / median(bare.ms)).toFixed(2)),
  };
  if (asJson) {
    console.log(JSON.stringify(figures, null, 2));
    return;
  }
  console.log(`Posting ${COUNT} invoices into fixture ERP ${RELEASE}, per invoice:`);
  console.log(
    `  runner (screenshots, map, search): ${figures.runner.medianMs} ms median, ${figures.runner.meanMs} ms mean`,
  );
  console.log(
    `  bare Playwright script:            ${figures.bare.medianMs} ms median, ${figures.bare.meanMs} ms mean`,
  );
  console.log(
    `  node RSS ${figures.runner.nodeRssMiB} MiB, heap ${figures.runner.heapMiB} MiB; browsers RSS ${figures.browsersRssMiB} MiB`,
  );
  console.log(`  time ratio runner / bare: ${figures.timeRatio}x (goal <= 1.5x)`);
}

await main();
