import { readFile } from 'node:fs/promises';
import type { Browser, Locator, Page } from 'playwright-core';
import type { PortalConfig } from '../../../config/schema.ts';
import { type LaunchOptions, launchBrowser } from '../../../runner/browser.ts';
import { SystemError } from '../../../runner/errors.ts';
import type { Logger } from '../../../runner/logger.ts';
import { detectRelease, loadSelectorMap, Selectors } from '../../../runner/selectors.ts';
import { type StepRecord, StepRunner } from '../../../runner/step-runner.ts';
import {
  type ExpandOptions,
  type Expanded,
  expandContainer,
  type TakenFile,
} from '../containers/expand-container.ts';
import { sniffContainerMediaType, sniffInvoiceMediaType } from '../media-type.ts';
import { safeFileName } from '../safe-file-name.ts';
import type { IncomingFile, PortalSource } from '../types.ts';

/**
 * Which portal invoices were already taken, by the portal's own reference; the product keeps it
 * in the store (table `portal_seen`, runner/store/portal-seen.ts), tests may keep it in memory.
 */
export interface PortalSeenStore {
  has(portal: string, reference: string): Promise<boolean>;
  add(portal: string, reference: string): Promise<void>;
}

/** What a pass needs of a configured portal, with the password already read from its secret. */
export type PortalLogin = Pick<PortalConfig, 'name' | 'baseUrl' | 'user' | 'system' | 'release'> & {
  password: string;
};

/** Gets each download (and, for a zip, its entries); must be idempotent (stored by SHA-256). */
export type PortalSink = (files: IncomingFile[], source: PortalSource) => Promise<unknown>;

export interface PortalPollOptions {
  browser: LaunchOptions;
  /** Screenshots after each step, the page's HTML on failure; created when missing. */
  evidenceDir: string;
  /** How long one element or download is waited for, in ms; default 15 000. */
  stepTimeoutMs?: number;
  /** Folder holding `<system>/<release>.yaml`; default the repository's selectors/. */
  selectorsDir?: string;
  /** Screenshot after every step; default true. */
  screenshots?: boolean;
  /** Stops walking the list after this many pages; default 100. */
  maxPages?: number;
  /** Limits and mappings for a download that is a zip or an invoice list. */
  expand?: ExpandOptions;
}

export interface PortalPollResult {
  /** List pages walked. */
  pages: number;
  /** Invoices listed on all pages. */
  listed: number;
  /** Invoices downloaded and handed on in this pass. */
  downloaded: number;
  steps: StepRecord[];
}

const REQUIRED_ELEMENTS = [
  'login.user',
  'login.password',
  'login.submit',
  'login.error_message',
  'invoices.list',
  'invoices.row',
  'invoices.row_reference',
  'invoices.row_download',
  'invoices.next_page',
];

interface Pass {
  portal: PortalLogin;
  page: Page;
  selectors: Selectors;
  runner: StepRunner;
  sink: PortalSink;
  seen: PortalSeenStore;
  logger: Logger;
  options: PortalPollOptions;
  result: PortalPollResult;
}

/**
 * One intake pass over a supplier portal: signs in, walks every page of the invoice list and
 * downloads each invoice whose reference it has not taken before. Order per invoice is sink,
 * then remember: a crash between them downloads that invoice once more next time, which the
 * sink's storage by SHA-256 makes harmless; no order of crashes loses an invoice.
 *
 * @throws SystemError TARGET_LOGIN_FAILED when the portal refuses the user or password;
 *   BROWSER_FAILED / TARGET_UNAVAILABLE / SELECTOR_MISSING as the step runner reports them.
 *   Invoices handed on before the failure stay remembered.
 */
export async function pollPortal(
  portal: PortalLogin,
  sink: PortalSink,
  seen: PortalSeenStore,
  logger: Logger,
  options: PortalPollOptions,
): Promise<PortalPollResult> {
  const log = logger.child({ portal: portal.name, bot: 'intake-portal' });
  const browser = await launchBrowser(options.browser);
  try {
    const pass = await openPass(browser, portal, sink, seen, log, options);
    await pass.runner.run('log-in', () => logIn(pass));
    for (;;) {
      await walkPage(pass);
      if (pass.result.pages >= (options.maxPages ?? 100)) break;
      const next = await pass.selectors.probe(pass.page, 'invoices.next_page');
      if (!next) break;
      await pass.runner.run(`open-page-${pass.result.pages + 1}`, () => next.click());
    }
    log.info('Portal pass done', { count: pass.result.downloaded });
    pass.result.steps = pass.runner.records;
    return pass.result;
  } finally {
    await browser.close().catch(() => {});
  }
}

async function openPass(
  browser: Browser,
  portal: PortalLogin,
  sink: PortalSink,
  seen: PortalSeenStore,
  logger: Logger,
  options: PortalPollOptions,
): Promise<Pass> {
  const timeoutMs = options.stepTimeoutMs ?? 15_000;
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(timeoutMs);
  const runner = new StepRunner({
    page,
    evidenceDir: options.evidenceDir,
    logger,
    screenshots: options.screenshots,
    mask: () => (pass.selectors ? pass.selectors.maskLocators(page) : []),
  });
  const pass: Pass = {
    portal,
    page,
    // Set by the first step, once the sign-in page tells which release the portal runs.
    selectors: undefined as unknown as Selectors,
    runner,
    sink,
    seen,
    logger,
    options,
    result: { pages: 0, listed: 0, downloaded: 0, steps: [] },
  };
  await runner.run('open-sign-in', async () => {
    await page.goto(new URL('/login', portal.baseUrl).href);
    const release =
      portal.release === 'auto'
        ? await detectRelease(page, portal.system, options.selectorsDir)
        : portal.release;
    const map = loadSelectorMap(portal.system, release, options.selectorsDir);
    pass.selectors = new Selectors(map, logger, timeoutMs);
    pass.selectors.require(REQUIRED_ELEMENTS);
  });
  return pass;
}

async function logIn(pass: Pass): Promise<void> {
  const { page, selectors, portal } = pass;
  await (await selectors.resolve(page, 'login.user')).fill(portal.user);
  await (await selectors.resolve(page, 'login.password')).fill(portal.password);
  await Promise.all([
    page.waitForLoadState('load'),
    (await selectors.resolve(page, 'login.submit')).click(),
  ]);
  // Either the list or the portal's complaint appears; whichever comes first decides.
  const list = page.locator(selectors.candidates('invoices.list', {}).join(', ')).first();
  const error = page.locator(selectors.candidates('login.error_message', {}).join(', ')).first();
  await list.or(error).waitFor();
  if (await error.isVisible()) {
    const said = ((await error.textContent()) ?? '').trim();
    throw new SystemError(
      'TARGET_LOGIN_FAILED',
      `portal ${portal.name} refused sign-in for user ${portal.user}: ${said || 'no reason shown'}`,
      { details: { portal: portal.name, user: portal.user } },
    );
  }
}

async function walkPage(pass: Pass): Promise<void> {
  const { page, selectors, runner } = pass;
  pass.result.pages += 1;
  const refs = await runner.run(`read-page-${pass.result.pages}`, async () => {
    await selectors.resolve(page, 'invoices.list');
    const rows = await selectors.all(page, 'invoices.row');
    return Promise.all(rows.map(async (row) => ({ row, reference: await referenceOf(pass, row) })));
  });
  pass.result.listed += refs.length;
  for (const { row, reference } of refs) {
    if (await pass.seen.has(pass.portal.name, reference)) continue;
    await runner.run(`download-${reference}`, () => download(pass, row, reference));
  }
}

async function referenceOf(pass: Pass, row: Locator): Promise<string> {
  const cell = await pass.selectors.resolve(row, 'invoices.row_reference');
  const reference = ((await cell.textContent()) ?? '').trim();
  if (!reference) {
    throw new SystemError('SELECTOR_MISSING', `portal ${pass.portal.name}: a row has no reference`);
  }
  return reference;
}

async function download(pass: Pass, row: Locator, reference: string): Promise<void> {
  const link = await pass.selectors.resolve(row, 'invoices.row_download');
  const [file] = await Promise.all([pass.page.waitForEvent('download'), link.click()]);
  const failure = await file.failure();
  if (failure) {
    throw new SystemError(
      'TARGET_UNAVAILABLE',
      `portal ${pass.portal.name}: download of ${reference} failed: ${failure}`,
    );
  }
  const bytes = await readFile(await file.path());
  const source: PortalSource = { kind: 'portal', portal: pass.portal.name, reference };
  const files = takeDownload(pass, file.suggestedFilename(), bytes).map((f, index) => ({
    ...f,
    fileName: safeFileName(f.fileName, f.mediaType, index),
    source,
  }));
  if (files.length === 0) return;
  await pass.sink(files, source);
  await pass.seen.add(pass.portal.name, reference);
  pass.result.downloaded += 1;
  pass.logger.info('Portal invoice taken', { reference, file: files[0]?.fileName });
}

/** The download as an invoice, or a container with what it holds; nothing for anything else. */
function takeDownload(pass: Pass, fileName: string, bytes: Buffer): TakenFile[] {
  const declared = { fileName };
  const mediaType = sniffInvoiceMediaType(bytes, declared);
  if (mediaType) return [{ fileName, bytes, mediaType }];
  const containerType = sniffContainerMediaType(bytes, declared);
  const expanded: Expanded = containerType
    ? expandContainer({ fileName, bytes, mediaType: containerType }, pass.options.expand)
    : { files: [], skipped: [{ fileName, reason: 'unsupported' }], rowProblems: [] };
  for (const part of expanded.skipped) {
    // Not remembered, so it is tried again and stays visible in the log until someone acts.
    pass.logger.warn('Portal download not taken', {
      file: part.fileName,
      code: part.code ?? 'UNSUPPORTED_FILE',
      error: part.message ?? part.reason,
    });
  }
  return expanded.skipped.length > 0 && expanded.files.length === 0 ? [] : expanded.files;
}
