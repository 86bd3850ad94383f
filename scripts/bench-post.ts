/**
 * Posting benchmark: time and memory per posted invoice through the runner (openPostingSession
 * + post, a screenshot after every step, search before entry) against a bare Playwright script
 * that does the same ERP work (log in once, search the vendor and number, fill the same form,
 * attach the original, save, read the number) with no runner, no map resolution and no
 * screenshots. Same run, same fixture ERP, alternating rounds so neither side gets a warmer
 * machine. Memory is each browser's proportional set size (shared pages counted once).
 * Usage: `tsx scripts/bench-post.ts [--json] [--count N] [--release v1|v2] [--steps]`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  /** Peak proportional set size of this side's browser and its renderers, MiB. */
  browserPssMiB: number;
}

const newSide = (): Side => ({ ms: [], browserPssMiB: 0 });

/** Peak resident set and JS heap of this process, which runs both sides. */
const node = { rssMiB: 0, heapMiB: 0 };

/** pid, parent pid and RSS (KiB) of every process. */
function processes(): Array<[number, number, number]> {
  return execFileSync('ps', ['-e', '-o', 'pid=,ppid=,rss='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number, number]);
}

/** Direct children of this process: each launched browser is one, its renderers below it. */
function childPids(): Set<number> {
  return new Set(processes().flatMap(([pid, ppid]) => (ppid === process.pid ? [pid] : [])));
}

/**
 * Memory of a browser: every process below `root`, by proportional set size, so pages the
 * browser's processes share (the binary, shared memory) count once, not once per process.
 * Falls back to RSS where /proc has no smaps_rollup.
 */
function browserPssMiB(root: number): number {
  const rows = processes();
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of rows) {
      if (tree.has(ppid) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let kib = 0;
  for (const [pid, , rss] of rows) {
    if (!tree.has(pid)) continue;
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      kib += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? rss);
    } catch {
      kib += rss;
    }
  }
  return kib / 1024;
}

function sample(side: Side, browserRoot: number | undefined): void {
  const mem = process.memoryUsage();
  node.rssMiB = Math.max(node.rssMiB, mem.rss / 2 ** 20);
  node.heapMiB = Math.max(node.heapMiB, mem.heapUsed / 2 ** 20);
  if (browserRoot !== undefined) {
    side.browserPssMiB = Math.max(side.browserPssMiB, browserPssMiB(browserRoot));
  }
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
  const before = childPids();
  const session = await openPostingSession({
    system: 'fixture-erp',
    baseUrl: erp.url,
    user: 'bot',
    password: PASSWORD,
    release: 'auto',
    browser: { headless: true, stepTimeoutMs: 15_000 },
    logger: silentLogger,
  });
  const runnerBrowser = [...childPids()].find((pid) => !before.has(pid));
  const withRunner = childPids();
  const browser = await chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const bareBrowser = [...childPids()].find((pid) => !withRunner.has(pid));
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
      sample(runner, runnerBrowser);
      started = performance.now();
      const doc = await postBare({ ...invoice, invoice_number: number('B') }, originalPath);
      if (!doc) throw new Error('bare script posted nothing');
      if (round > 0) bare.ms.push(performance.now() - started);
      sample(bare, bareBrowser);
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
    browserPssMiB: Math.round(s.browserPssMiB),
  });
  const figures = {
    release: RELEASE,
    invoices: COUNT,
    runner: summary(runner),
    bare: summary(bare),
    // One process runs both sides (and the fixture ERP), so its memory is not split.
    node: { rssMiB: Math.round(node.rssMiB), heapMiB: Math.round(node.heapMiB) },
    timeRatio: Number((median(runner.ms) / median(bare.ms)).toFixed(2)),
    browserMemoryRatio: Number((runner.browserPssMiB / bare.browserPssMiB).toFixed(2)),
  };
  if (asJson) {
    console.log(JSON.stringify(figures, null, 2));
    return;
  }
  const { runner: r, bare: b } = figures;
  console.log(`Posting ${COUNT} invoices into fixture ERP ${RELEASE}, per invoice:`);
  console.log(
    `  runner (screenshots, map, search): ${r.medianMs} ms median, ${r.meanMs} ms mean; browser ${r.browserPssMiB} MiB PSS`,
  );
  console.log(
    `  bare Playwright script:            ${b.medianMs} ms median, ${b.meanMs} ms mean; browser ${b.browserPssMiB} MiB PSS`,
  );
  console.log(
    `  node process (both sides and the ERP): ${figures.node.rssMiB} MiB RSS, ${figures.node.heapMiB} MiB heap at peak`,
  );
  console.log(`  time ratio runner / bare: ${figures.timeRatio}x (goal <= 1.5x)`);
  console.log(`  browser memory ratio runner / bare: ${figures.browserMemoryRatio}x`);
}

await main();
