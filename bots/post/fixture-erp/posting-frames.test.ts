import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { ErpEvent } from '../../../fixtures/erp/server.ts';
import { launchBrowser } from '../../../runner/browser.ts';
import { maskForEvidence } from '../../../runner/evidence-mask.ts';
import { errorCodeOf, type RpaError } from '../../../runner/errors.ts';
import { DEFAULT_SELECTORS_DIR, loadSelectorMap, Selectors } from '../../../runner/selectors.ts';
import { runSteps, StepRunner } from '../../../runner/step-runner.ts';
import { MASK_COLOUR, pixelAt } from '../../../runner/test-support.ts';
import { openPostingSession, type PostRequest } from '../index.ts';
import {
  corpusInvoice,
  EN16931,
  type ErpWorld,
  type LogLine,
  PASSWORD,
  recordingLogger,
  startErpWorld,
} from '../test-support.ts';
import type { PostContext } from '../types.ts';
import { fixtureErpFlow } from './flow.ts';

/**
 * Release 2.0 keeps its screens in the iframe of a portal shell: the posting flow enters,
 * saves and reads back there, masks the VAT id inside the frame, falls back when the frame's
 * or a field's selector changed, and notices a login form that a dead session puts in the
 * frame. The flow and the map are the same ones release 1.4 uses; only the map differs.
 */

let world: ErpWorld;
let browser: Browser;
let expireOnSave = false;
const VOUCHER_SAVE = '/app/ap/voucher/post';

function request(invoiceNumber: string): PostRequest {
  const { invoice, originalPath } = corpusInvoice(EN16931);
  return {
    caseId: `case-${invoiceNumber}`,
    runId: 'run-frames',
    invoice: { ...invoice, invoice_number: invoiceNumber, seller_vat_id: 'DE123456789' },
    originalPath,
    evidenceDir: mkdtempSync(path.join(world.dir, `evidence-${invoiceNumber}-`)),
  };
}

/**
 * The flow's own steps on a page the test can look at afterwards. Masked fields are covered
 * by the style sheet the posting session installs, or by boxes painted at each shot (what a
 * selector that is not plain CSS gets).
 */
async function flowOnPage(
  page: Page,
  req: PostRequest,
  lines: LogLine[],
  masking: 'style' | 'painted' = 'style',
) {
  const logger = recordingLogger(lines);
  const selectors = new Selectors(loadSelectorMap('fixture-erp', 'v2'), logger, 10_000);
  const ctx: PostContext = {
    page,
    selectors,
    baseUrl: world.erp.url,
    user: 'bot',
    password: PASSWORD,
    timeoutMs: 10_000,
    logger,
    request: req,
    outcome: { erpDocumentNumber: null, alreadyPosted: false },
  };
  const mask =
    masking === 'style'
      ? await maskForEvidence(page, selectors)
      : () => selectors.maskLocators(page);
  const runner = new StepRunner({ page, evidenceDir: req.evidenceDir, logger, mask });
  return { ctx, runner, mask };
}

beforeAll(async () => {
  world = await startErpWorld('v2', {
    onEvent: (e: ErpEvent) => {
      // The session dies just as the save arrives: the answer is the login page, in the frame.
      if (expireOnSave && e.kind === 'request' && e.path === VOUCHER_SAVE) {
        expireOnSave = false;
        world.erp.expireSessions();
      }
    },
  });
  browser = await launchBrowser({ headless: true });
});

afterAll(async () => {
  await browser?.close();
  await world?.cleanup();
});

describe('posting into the framed release 2.0', () => {
  it('enters, saves and reads the number inside the iframe, the shell staying put', async () => {
    const page = await (
      await browser.newContext({ viewport: { width: 1280, height: 900 } })
    ).newPage();
    const req = request('FR-1');
    const { ctx, runner } = await flowOnPage(page, req, []);
    await runSteps(fixtureErpFlow.steps(false), ctx, runner);
    const stored = world.erp.listInvoices().find((i) => i.invoiceNumber === 'FR-1');
    expect(ctx.outcome.erpDocumentNumber).toBe(stored?.documentNumber);
    expect(new URL(page.url()).pathname).toBe('/app/home');
    const work = page.frame({ name: 'work' })!;
    expect(new URL(work.url()).pathname).toBe(VOUCHER_SAVE);
    expect(await work.locator('#ctl00_cphMain_q81z_spnVoucherNo').textContent()).toBe(
      stored?.documentNumber,
    );
    expect(await page.mainFrame().locator('#ctl00_cphMain_q81z_spnVoucherNo').count()).toBe(0);
    await page.context().close();
  });

  it.each(['style', 'painted'] as const)(
    'covers the masked VAT id inside the frame in the screenshot, where the page shows it (%s)',
    async (masking) => {
      const page = await (
        await browser.newContext({ viewport: { width: 1280, height: 900 } })
      ).newPage();
      const req = request(`FR-MASK-${masking}`);
      const { ctx, runner, mask } = await flowOnPage(page, req, [], masking);
      // By style, nothing is left to paint at the shot.
      expect(mask()).toHaveLength(masking === 'style' ? 0 : 2);
      // Shadow steps end on the filled form: the page still looks as in the last screenshot.
      const steps = await runSteps(fixtureErpFlow.steps(true), ctx, runner);
      const shot = steps.at(-1)!.screenshotPath!;
      const form = page.locator('iframe#ctl00_ifrContent').contentFrame();
      const vat = form.locator('#ctl00_cphMain_q81z_tbSupplierTaxNo');
      expect(await vat.inputValue()).toBe('DE123456789');
      const box = (await vat.boundingBox())!;
      // The frame sits below the title bar and menu: its box on the page is not its box inside.
      expect(box.y).toBeGreaterThan(40);
      for (const [x, y] of [
        [box.x + 2, box.y + 2],
        [box.x + box.width / 2, box.y + box.height / 2],
        [box.x + box.width - 2, box.y + box.height - 2],
      ]) {
        expect(await pixelAt(browser, shot, x!, y!)).toEqual(MASK_COLOUR);
      }
      const name = (await form.locator('#ctl00_cphMain_q81z_tbSupplierName').boundingBox())!;
      const centre = [name.x + name.width / 2, name.y + name.height / 2] as const;
      expect(await pixelAt(browser, shot, ...centre)).not.toEqual(MASK_COLOUR);
      await page.context().close();
    },
  );

  it('falls back when the frame and a field in it changed their ids, naming both', async () => {
    const dir = mkdtempSync(path.join(world.dir, 'selectors-'));
    cpSync(DEFAULT_SELECTORS_DIR, dir, { recursive: true });
    const file = path.join(dir, 'fixture-erp', 'v2.yaml');
    const map = parseYaml(readFileSync(file, 'utf8'));
    map.frames.work.primary = 'iframe#ctl00_ifrOldContent';
    map.elements['invoice.vendor_name'].primary = '#ctl00_cphMain_OLD_tbSupplierName';
    writeFileSync(file, stringifyYaml(map));
    const lines: LogLine[] = [];
    const session = await openPostingSession({
      system: 'fixture-erp',
      baseUrl: world.erp.url,
      user: 'bot',
      password: PASSWORD,
      release: 'auto',
      browser: { headless: true, stepTimeoutMs: 10_000 },
      logger: recordingLogger(lines),
      selectorsDir: dir,
    });
    try {
      const req = request('FR-FALLBACK');
      const result = await session.post(req);
      const stored = world.erp.listInvoices().find((i) => i.invoiceNumber === 'FR-FALLBACK');
      expect(result.erpDocumentNumber).toBe(stored?.documentNumber);
      expect(stored?.vendorName).toBe(req.invoice.seller_name);
    } finally {
      await session.close();
    }
    const fields = lines.filter((l) => l.message === 'selector fallback used');
    expect(new Set(fields.map((l) => `${l.element} in ${l.frame}`))).toEqual(
      new Set(['invoice.vendor_name in work']),
    );
    const frames = lines.filter((l) => l.message === 'frame selector fallback used');
    expect(frames.length).toBeGreaterThan(0);
    expect(new Set(frames.map((l) => l.frame))).toEqual(new Set(['work']));
  });

  it('sees the login form a dead session puts in the frame, logs in again and posts once', async () => {
    const lines: LogLine[] = [];
    const session = await openPostingSession({
      system: 'fixture-erp',
      baseUrl: world.erp.url,
      user: 'bot',
      password: PASSWORD,
      release: 'v2',
      browser: { headless: true, stepTimeoutMs: 10_000 },
      logger: recordingLogger(lines),
    });
    try {
      expireOnSave = true;
      const result = await session.post(request('FR-EXPIRE'));
      const saves = result.steps.filter((s) => s.step === 'save');
      expect(saves.map((s) => [s.status, s.errorCode])).toEqual([
        ['failed', 'SESSION_EXPIRED'],
        ['ok', undefined],
      ]);
      // The evidence of the failed save holds the frame, and in it the login page.
      const html = readFileSync(saves[0]!.htmlPath!, 'utf8');
      expect(html).toContain('srcdoc=');
      expect(html).toContain('Your session has expired. Please sign in again.');
      const held = world.erp.listInvoices().filter((i) => i.invoiceNumber === 'FR-EXPIRE');
      expect(held).toHaveLength(1);
      expect(result.erpDocumentNumber).toBe(held[0]!.documentNumber);
    } finally {
      await session.close();
    }
  });

  it("reports the ERP's refusal shown in the frame, with the frame in the saved HTML", async () => {
    const session = await openPostingSession({
      system: 'fixture-erp',
      baseUrl: world.erp.url,
      user: 'bot',
      password: PASSWORD,
      release: 'v2',
      browser: { headless: true, stepTimeoutMs: 10_000 },
      logger: recordingLogger([]),
    });
    try {
      const req = request('FR-WRONG');
      req.invoice.gross_total = '1.00';
      const error = (await session.post(req).catch((e: unknown) => e)) as RpaError;
      expect(errorCodeOf(error)).toBe('TARGET_REJECTED');
      expect(error.message).toMatch(/^E1042: Gross amount/);
      const steps = error.details.steps as Array<{ step: string; htmlPath?: string }>;
      const failed = steps.find((s) => s.step === 'save')!;
      expect(readFileSync(failed.htmlPath!, 'utf8')).toContain('E1042: Gross amount');
    } finally {
      await session.close();
    }
  });
});
