import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.ts';
import { maskForEvidence } from './evidence-mask.ts';
import { silentLogger } from './logger.ts';
import { Selectors, selectorMapSchema } from './selectors.ts';
import { runSteps, StepRunner } from './step-runner.ts';
import { MASK_COLOUR, pixelAt } from './test-support.ts';

/**
 * Masking by style sheet: every document the page loads after the mask is set up, frames
 * included, shows the secret fields as magenta boxes, while the bot still reads and writes
 * them; a selector the browser's CSS cannot read is painted over at each shot instead.
 */

const FIELD = 'position:absolute;width:200px;height:30px;border-radius:6px;color:#000';
const PAGES: Record<string, string> = {
  '/first': `<body style="margin:0"><input id="iban" style="${FIELD};left:20px;top:20px"
 value="DE89370400440532013000"><span id="note" style="${FIELD};left:20px;top:80px">
 Account <b>DE89 3704</b></span><input id="name" style="${FIELD};left:20px;top:140px"
 value="ACME"></body>`,
  '/framed': `<body style="margin:0"><iframe src="/inner" style="position:absolute;left:50px;
top:50px;width:300px;height:150px;border:0"></iframe></body>`,
  '/inner': `<body style="margin:0"><input id="iban" style="${FIELD};left:10px;top:10px"
 value="DE89370400440532013000" oninput="this.style.color='red'"></body>`,
};

const MAP = {
  system: 'bank',
  release: 'v1',
  detect: { selector: 'body', pattern: '' },
  elements: {
    'vendor.iban': { primary: '#iban', fallbacks: ['input[name="iban"]'], mask: true },
    // Playwright's text engine, which no style sheet understands.
    'vendor.note': { primary: 'span:has-text("Account")', mask: true },
    'vendor.name': { primary: '#name' },
  },
};

let browser: Browser;
let server: http.Server;
let base: string;
const dir = mkdtempSync(path.join(os.tmpdir(), 'evidence-mask-'));

beforeAll(async () => {
  server = http.createServer((req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(PAGES[req.url ?? ''] ?? '<p>not here</p>');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser({ headless: true });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((done) => server.close(done));
  rmSync(dir, { recursive: true, force: true });
});

async function shotAfter(page: Page, name: string, mask: () => ReturnType<Page['locator']>[]) {
  const runner = new StepRunner({
    page,
    evidenceDir: path.join(dir, name),
    logger: silentLogger,
    mask,
  });
  const [record] = await runSteps([{ name, run: async () => undefined }], {}, runner);
  return record!.screenshotPath!;
}

async function centreOf(page: Page, selector: string, frame?: string) {
  const scope = frame ? page.locator(frame).contentFrame() : page;
  const box = (await scope.locator(selector).boundingBox())!;
  return [box.x + box.width / 2, box.y + box.height / 2] as const;
}

describe('maskForEvidence', () => {
  it('styles the CSS-selected field in pages loaded later, and paints the rest at the shot', async () => {
    const page = await browser.newPage({ viewport: { width: 400, height: 300 } });
    const selectors = new Selectors(selectorMapSchema.parse(MAP), silentLogger, 2_000);
    const mask = await maskForEvidence(page, selectors);
    // Only the text-engine element is left for painting.
    expect(mask()).toHaveLength(1);
    await page.goto(`${base}/first`);
    const iban = page.locator('#iban');
    await iban.fill('DE02120300000000202051');
    expect(await iban.inputValue()).toBe('DE02120300000000202051');
    expect(await iban.isVisible()).toBe(true);
    const shot = await shotAfter(page, 'first', mask);
    const box = (await iban.boundingBox())!;
    // The whole box, its rounded corners included.
    for (const [x, y] of [
      [box.x + 1, box.y + 1],
      [box.x + box.width / 2, box.y + box.height / 2],
      [box.x + box.width - 1, box.y + box.height - 1],
    ]) {
      expect(await pixelAt(browser, shot, x!, y!)).toEqual(MASK_COLOUR);
    }
    expect(await pixelAt(browser, shot, ...(await centreOf(page, '#note')))).toEqual(MASK_COLOUR);
    expect(await pixelAt(browser, shot, ...(await centreOf(page, '#name')))).not.toEqual(
      MASK_COLOUR,
    );
    // Painted boxes are gone after the shot; the style stays, being how the page looks.
    expect(await page.locator('.__rpa_evidence_mask').count()).toBe(0);
    await page.close();
  });

  it('covers a field inside a frame, whatever colour the page gives it', async () => {
    const page = await browser.newPage({ viewport: { width: 400, height: 300 } });
    const selectors = new Selectors(
      selectorMapSchema.parse({
        ...MAP,
        elements: { 'vendor.iban': MAP.elements['vendor.iban'] },
      }),
      silentLogger,
      2_000,
    );
    const mask = await maskForEvidence(page, selectors);
    expect(mask()).toEqual([]);
    await page.goto(`${base}/framed`);
    const field = page.locator('iframe').contentFrame().locator('#iban');
    await field.fill('DE02120300000000202051');
    const shot = await shotAfter(page, 'framed', mask);
    const at = await centreOf(page, '#iban', 'iframe');
    expect(await pixelAt(browser, shot, ...at)).toEqual(MASK_COLOUR);
    await page.close();
  });

  it('masks the page already open when the mask is set up', async () => {
    const page = await browser.newPage({ viewport: { width: 400, height: 300 } });
    await page.goto(`${base}/first`);
    const selectors = new Selectors(selectorMapSchema.parse(MAP), silentLogger, 2_000);
    const mask = await maskForEvidence(page, selectors);
    const shot = await shotAfter(page, 'open', mask);
    expect(await pixelAt(browser, shot, ...(await centreOf(page, '#iban')))).toEqual(MASK_COLOUR);
    await page.close();
  });
});
