import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.ts';
import { BusinessError } from './errors.ts';
import { silentLogger } from './logger.ts';
import { runSteps, StepRunner } from './step-runner.ts';

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

/** The colour of one pixel of a PNG, read back through the browser's own decoder. */
async function pixelAt(png: string, x: number, y: number): Promise<number[]> {
  const viewer = await browser.newPage();
  try {
    const data = readFileSync(png).toString('base64');
    return await viewer.evaluate(
      async ({ data, x, y }) => {
        const img = new Image();
        img.src = `data:image/png;base64,${data}`;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.width;
        canvas.height = img.height;
        const g = canvas.getContext('2d')!;
        g.drawImage(img, 0, 0);
        return Array.from(g.getImageData(x, y, 1, 1).data.slice(0, 3));
      },
      { data, x, y },
    );
  } finally {
    await viewer.close();
  }
}

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
    // Playwright paints masked boxes magenta (#FF00FF).
    expect(await pixelAt(records[0]!.screenshotPath!, 100, 30)).toEqual([255, 0, 255]);
    expect(await pixelAt(records[0]!.screenshotPath!, 300, 200)).not.toEqual([255, 0, 255]);
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
