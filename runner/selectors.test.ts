import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.ts';
import { errorCodeOf } from './errors.ts';
import type { LogFields } from './log-fields.ts';
import { warningsLogger } from './test-support.ts';
import { detectRelease, loadSelectorMap, loadSelectorMaps, Selectors } from './selectors.ts';

let browser: Browser;
let page: Page;
const warnings: Array<{ message: string } & LogFields> = [];
const logger = warningsLogger(warnings);

beforeAll(async () => {
  browser = await launchBrowser({ headless: true });
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
});

describe('selector maps', () => {
  it('loads every fixture-erp release, and all name the same business fields', () => {
    const maps = loadSelectorMaps('fixture-erp');
    expect(maps.map((m) => m.release)).toEqual(['v1', 'v2']);
    const keys = maps.map((m) =>
      Object.keys(m.elements).filter((k) => k !== 'invoice.confirm_save'),
    );
    expect(keys[1]).toEqual(keys[0]);
    expect(maps[0]?.elements['login.password']?.mask).toBe(true);
  });

  it('rejects a map with an unknown key or a DOM-shaped name', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'selmap-'));
    mkdirSync(path.join(dir, 'erp'));
    writeFileSync(
      path.join(dir, 'erp', 'v1.yaml'),
      'system: erp\nrelease: v1\ndetect: {selector: meta, pattern: x}\nelements:\n  "#txtVendor": {primary: "#a", colour: red}\n',
    );
    try {
      expect(() => loadSelectorMap('erp', 'v1', dir)).toThrow(/elements/);
      expect(errorCodeOf(catchError(() => loadSelectorMap('erp', 'v1', dir)))).toBe(
        'SELECTOR_MAP_INVALID',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('detects the release from the login page markers', async () => {
    await page.setContent('<head><meta name="erp-release" content="2.0"></head><body></body>');
    expect(await detectRelease(page, 'fixture-erp')).toBe('v2');
    await page.setContent('<head><meta name="erp-release" content="1.4"></head><body></body>');
    expect(await detectRelease(page, 'fixture-erp')).toBe('v1');
    await page.setContent('<head><meta name="erp-release" content="7.1"></head><body></body>');
    const error = await detectRelease(page, 'fixture-erp').catch((e: unknown) => e);
    expect(errorCodeOf(error)).toBe('RELEASE_UNKNOWN');
    expect((error as Error).message).toContain('7.1');
  });
});

describe('Selectors.resolve', () => {
  const map = loadSelectorMap('fixture-erp', 'v1');

  it('uses the primary selector silently when it matches', async () => {
    await page.setContent('<input id="ctl00_ph_x7f3_txtVendor" title="Vendor name">');
    warnings.length = 0;
    const found = await new Selectors(map, logger, 2_000).resolve(page, 'invoice.vendor_name');
    expect(await found.getAttribute('id')).toBe('ctl00_ph_x7f3_txtVendor');
    expect(warnings).toEqual([]);
  });

  it('falls back when the primary id changed, and logs the element name', async () => {
    await page.setContent('<input id="ctl00_ph_NEW_txtVendor" title="Vendor name">');
    warnings.length = 0;
    const found = await new Selectors(map, logger, 2_000).resolve(page, 'invoice.vendor_name');
    expect(await found.getAttribute('id')).toBe('ctl00_ph_NEW_txtVendor');
    expect(warnings).toEqual([
      expect.objectContaining({
        message: 'selector fallback used',
        element: 'invoice.vendor_name',
        selectorMapVersion: 'fixture-erp/v1',
      }),
    ]);
  });

  it('finds the document number by its pattern when the label id changed', async () => {
    await page.setContent('<p>Document number: <span id="lblNew">AP-2026-000042</span></p>');
    const found = await new Selectors(map, logger, 2_000).resolve(page, 'invoice.document_number');
    expect(await found.textContent()).toBe('AP-2026-000042');
  });

  it('fills row placeholders and waits for an element that appears later', async () => {
    await page.setContent(`<table><tr class="line-row" data-row="0"></tr></table><script>
      setTimeout(() => { const t = document.querySelector('table');
        t.insertAdjacentHTML('beforeend', '<tr><td><input id="ctl00_ph_x7f3_grdLines_r1_txtQty"></td></tr>'); }, 300);
    </script>`);
    const found = await new Selectors(map, logger, 5_000).resolve(page, 'line.quantity', {
      row: 1,
    });
    expect(await found.getAttribute('id')).toBe('ctl00_ph_x7f3_grdLines_r1_txtQty');
  });

  it('throws SELECTOR_MISSING naming the element and every selector tried', async () => {
    await page.setContent('<p>empty</p>');
    const error = await new Selectors(map, logger, 300)
      .resolve(page, 'invoice.gross_total')
      .catch((e: unknown) => e);
    expect(errorCodeOf(error)).toBe('SELECTOR_MISSING');
    expect((error as Error).message).toBe(
      'element invoice.gross_total (fixture-erp/v1) not found; tried #ctl00_ph_x7f3_txtGross | input[title="Gross amount"]',
    );
  });
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}
