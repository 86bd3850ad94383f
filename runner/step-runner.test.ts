import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.ts';
import { BusinessError } from './errors.ts';
import { silentLogger } from './logger.ts';
import { runSteps, StepRunner } from './step-runner.ts';
import { MASK_COLOUR, pixelAt } from './test-support.ts';

let browser: Browser;
let page: Page;
const dir = mkdtempSync(path.join(os.tmpdir(), 'steps-'));

beforeAll(async () => {
  browser = await launchBrowser({ headless: true });
  page = await browser.newPage({ viewport: { width: 400, height: 300 } });
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('StepRunner', () => {
  it('records each step and leaves a numbered screenshot with masked fields painted over', async () => {
    await page.setContent(
      '<input id="secret" style="position:absolute;left:10px;top:10px;width:200px;height:40px" value="DE123456789">',
    );
    const evidenceDir = path.join(dir, 'ok');
    const runner = new StepRunner({
      page,
      evidenceDir,
      logger: silentLogger,
      mask: () => [page.locator('#secret')],
    });
    const records = await runSteps(
      [
        { name: 'first', run: async () => undefined },
        { name: 'second', run: async () => 'stop' as const },
        { name: 'never', run: async () => undefined },
      ],
      {},
      runner,
    );
    expect(records.map((r) => [r.step, r.status])).toEqual([
      ['first', 'ok'],
      ['second', 'ok'],
    ]);
    expect(records[1]?.screenshotPath).toBe(path.join(evidenceDir, '02-second.png'));
    expect(await pixelAt(browser, records[0]!.screenshotPath!, 100, 30)).toEqual(MASK_COLOUR);
    expect(await pixelAt(browser, records[0]!.screenshotPath!, 300, 200)).not.toEqual(MASK_COLOUR);
  });

  it('gives a step that only reads the previous shot, but photographs its failure', async () => {
    await page.setContent('<p>document number 4711</p>');
    const evidenceDir = path.join(dir, 'reads');
    const runner = new StepRunner({ page, evidenceDir, logger: silentLogger });
    const records = await runSteps(
      [
        { name: 'save', run: async () => undefined },
        { name: 'read', run: async () => undefined, readsOnly: true },
      ],
      {},
      runner,
    );
    expect(records[1]!.screenshotPath).toBe(records[0]!.screenshotPath);
    await expect(
      runner.run('read-again', () => Promise.reject(new Error('no number')), { readsOnly: true }),
    ).rejects.toThrow(/no number/);
    expect(records[2]!.screenshotPath).toBe(path.join(evidenceDir, '03-read-again.png'));
    expect(existsSync(records[2]!.screenshotPath!)).toBe(true);
  });

  it('paints a masked field inside a scrolled iframe where the page shows it', async () => {
    // The field sits 400px down the frame's document; the frame is scrolled to show it.
    const inner = `<body style="margin:0;height:900px"><input id="vat" value="DE123456789"
 style="position:absolute;left:20px;top:400px;width:150px;height:30px"></body>`;
    await page.setContent(`<body style="margin:0"><div style="height:60px">shell</div>
<iframe id="work" style="margin-left:80px;width:260px;height:200px;border:4px solid #000"
 srcdoc="${inner.replaceAll('"', '&quot;')}"></iframe></body>`);
    const field = page.locator('#work').contentFrame().locator('#vat');
    await field.scrollIntoViewIfNeeded();
    const runner = new StepRunner({
      page,
      evidenceDir: path.join(dir, 'frame-mask'),
      logger: silentLogger,
      mask: () => [field],
    });
    const [record] = await runSteps([{ name: 'fill', run: async () => undefined }], {}, runner);
    const box = (await field.boundingBox())!;
    const shot = record!.screenshotPath!;
    for (const [x, y] of [
      [box.x + 3, box.y + 3],
      [box.x + box.width / 2, box.y + box.height / 2],
      [box.x + box.width - 3, box.y + box.height - 3],
    ]) {
      expect(await pixelAt(browser, shot, x!, y!)).toEqual(MASK_COLOUR);
    }
    expect(await pixelAt(browser, shot, box.x - 10, box.y)).not.toEqual(MASK_COLOUR);
    // The boxes are gone again: the live frame shows the field, not the paint.
    expect(await page.locator('#work').contentFrame().locator('div').count()).toBe(0);
  });

  it('saves the HTML of every frame, nested ones included, when a step fails', async () => {
    const dialog = '<p id="msg">E1004: Vendor unknown</p>';
    const work = `<form id="frmEntry"><iframe name="dlg" srcdoc="${dialog.replaceAll('"', '&quot;')}"></iframe></form>`;
    await page.setContent(
      `<div class="menu">Menu</div><iframe name="work" srcdoc="${work.replaceAll('&', '&amp;').replaceAll('"', '&quot;')}"></iframe>`,
    );
    await page.frame({ name: 'dlg' })?.waitForSelector('#msg');
    await page.waitForFunction(() => document.readyState === 'complete');
    const runner = new StepRunner({
      page,
      evidenceDir: path.join(dir, 'frames'),
      logger: silentLogger,
    });
    await runner
      .run('save', async () => {
        throw new BusinessError('TARGET_REJECTED', 'E1004: Vendor unknown');
      })
      .catch(() => {});
    const html = readFileSync(runner.records[0]!.htmlPath!, 'utf8');
    expect(html).toContain('Menu');
    expect(html).toContain('frmEntry');
    expect(html).toContain('E1004: Vendor unknown');
    // Opened in a browser, the saved page shows the frames as the bot saw them.
    const viewer = await browser.newPage();
    try {
      await viewer.setContent(html);
      const msg = viewer.frameLocator('iframe[name="work"]').frameLocator('iframe[name="dlg"]');
      expect(await msg.locator('#msg').textContent()).toBe('E1004: Vendor unknown');
    } finally {
      await viewer.close();
    }
  });

  it('keeps the real error and saves the page HTML and a screenshot when a step fails', async () => {
    await page.setContent('<span class="err">E1042: Gross amount wrong</span>');
    const runner = new StepRunner({
      page,
      evidenceDir: path.join(dir, 'fail'),
      logger: silentLogger,
    });
    const error = await runner
      .run('save', async () => {
        throw new BusinessError('TARGET_REJECTED', 'E1042: Gross amount wrong');
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BusinessError);
    const [record] = runner.records;
    expect(record).toMatchObject({ step: 'save', status: 'failed', errorCode: 'TARGET_REJECTED' });
    expect(readFileSync(record!.htmlPath!, 'utf8')).toContain('E1042');
    expect(existsSync(record!.screenshotPath!)).toBe(true);
  });

  it('turns a foreign error into a system error that keeps it as the cause', async () => {
    const runner = new StepRunner({
      page,
      evidenceDir: path.join(dir, 'foreign'),
      logger: silentLogger,
    });
    const boom = new Error('socket hang up');
    const error = (await runner
      .run('login', async () => {
        throw boom;
      })
      .catch((e: unknown) => e)) as Error & { code: string; kind: string };
    expect([error.code, error.kind, error.message]).toEqual([
      'BROWSER_FAILED',
      'system',
      'step login: socket hang up',
    ]);
    expect(error.cause).toBe(boom);
  });
});
