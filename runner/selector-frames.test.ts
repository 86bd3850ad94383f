import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify as stringifyYaml } from 'yaml';
import { launchBrowser } from './browser.ts';
import { errorCodeOf } from './errors.ts';
import type { LogFields } from './log-fields.ts';
import { warningsLogger } from './test-support.ts';
import { detectRelease, loadSelectorMap, Selectors, selectorMapSchema } from './selectors.ts';

let browser: Browser;
let page: Page;
const warnings: Array<{ message: string } & LogFields> = [];
const logger = warningsLogger(warnings);
const dir = mkdtempSync(path.join(os.tmpdir(), 'selframes-'));

/** A portal shell: the work area in an iframe, a dialog frame nested inside it. */
const MAP = {
  system: 'portal',
  release: 'v1',
  detect: { selector: 'meta[name="release"]', attribute: 'content', pattern: '^1', frame: 'work' },
  frames: {
    work: { primary: 'iframe#ifrWork', fallbacks: ['iframe[name="work"]'] },
    dialog: { primary: 'iframe#ifrDialog', parent: 'work' },
  },
  elements: {
    'menu.search': { primary: '#mnuSearch' },
    'login.user': { primary: '#txtUser' },
    'invoice.vendor_name': {
      primary: '#txtVendor',
      fallbacks: ['input[title="Vendor name"]'],
      frame: 'work',
    },
    'invoice.vat_id': { primary: '#txtVat', frame: 'work', mask: true },
    'search.result_row': { primary: 'tr.row', frame: 'work' },
    'search.result_number': { primary: 'td.no', frame: 'work' },
    'dialog.ok': { primary: '#btnOk', frame: 'dialog' },
  },
};

function shell(work: string, frameAttrs = 'id="ifrWork" name="work"'): string {
  return `<a id="mnuSearch" href="#">Search</a>
<iframe ${frameAttrs} style="width:380px;height:200px" srcdoc="${attr(work)}"></iframe>`;
}

function attr(html: string): string {
  return html.replaceAll('&', '&amp;').replaceAll('"', '&quot;');
}

function writeMap(name: string, map: object): string {
  mkdirSync(path.join(dir, name, 'portal'), { recursive: true });
  writeFileSync(path.join(dir, name, 'portal', 'v1.yaml'), stringifyYaml(map));
  return path.join(dir, name);
}

const selectors = () => new Selectors(selectorMapSchema.parse(MAP), logger, 2_000);

beforeAll(async () => {
  browser = await launchBrowser({ headless: true });
  page = await browser.newPage();
});

beforeEach(() => {
  warnings.length = 0;
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('frames in a selector map', () => {
  it('loads a map whose elements name their frame', () => {
    const map = loadSelectorMap('portal', 'v1', writeMap('good', MAP));
    expect(map.frames.dialog).toEqual({
      primary: 'iframe#ifrDialog',
      fallbacks: [],
      parent: 'work',
    });
    expect(map.elements['invoice.vendor_name']?.frame).toBe('work');
  });

  it.each([
    [
      'an element naming an undeclared frame',
      { 'invoice.vendor_name': { primary: '#a', frame: 'wrok' } },
      {},
      'elements.invoice.vendor_name.frame: frame "wrok" is not declared under frames (declared: work, dialog)',
    ],
    [
      'a selector where a frame name belongs',
      { 'invoice.vendor_name': { primary: '#a', frame: 'iframe#ifrWork' } },
      {},
      'elements.invoice.vendor_name.frame: must be the name of a frame declared under `frames:`',
    ],
    [
      'frames nested in a loop',
      {},
      { work: { primary: 'iframe', parent: 'dialog' } },
      'frames.work.parent: frames are nested in a loop: work in dialog in work',
    ],
    [
      'a frame without a selector',
      {},
      { work: { parent: 'dialog' } },
      'frames.work.primary: Invalid input',
    ],
  ])('refuses %s with a message naming the place', (_, elements, frames, message) => {
    const bad = {
      ...MAP,
      frames: { ...MAP.frames, ...frames },
      elements: { ...MAP.elements, ...elements },
    };
    const folder = writeMap(`bad-${Object.keys(elements).length}-${Object.keys(frames)}`, bad);
    const error = catchError(() => loadSelectorMap('portal', 'v1', folder));
    expect(errorCodeOf(error)).toBe('SELECTOR_MAP_INVALID');
    expect((error as Error).message).toContain(message);
  });

  it('says that no frame is declared when a map has none', () => {
    const { frames: _, ...noFrames } = MAP;
    const result = selectorMapSchema.safeParse({ ...noFrames, detect: { ...MAP.detect } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toContain(
      'frame "work" is not declared under frames (none is declared)',
    );
  });
});

describe('Selectors in frames', () => {
  it('resolves an element inside its frame and one on the page, without warnings', async () => {
    await page.setContent(shell('<input id="txtVendor" title="Vendor name">'));
    const sel = selectors();
    const field = await sel.resolve(page, 'invoice.vendor_name');
    await field.fill('ACME');
    expect(await page.frame({ name: 'work' })?.locator('#txtVendor').inputValue()).toBe('ACME');
    expect(await (await sel.resolve(page, 'menu.search')).textContent()).toBe('Search');
    expect(await sel.probe(page, 'login.user')).toBeNull();
    expect(warnings).toEqual([]);
  });

  it('falls back inside the frame when the primary is broken, and logs element and frame', async () => {
    await page.setContent(shell('<input id="txtVendorNEW" title="Vendor name">'));
    const field = await selectors().resolve(page, 'invoice.vendor_name');
    expect(await field.getAttribute('id')).toBe('txtVendorNEW');
    expect(warnings).toEqual([
      expect.objectContaining({
        message: 'selector fallback used',
        element: 'invoice.vendor_name',
        frame: 'work',
        selectorMapVersion: 'portal/v1',
        attempt: 1,
      }),
    ]);
  });

  it("falls back to the frame's next selector when its id changed, and says so", async () => {
    await page.setContent(shell('<input id="txtVendor">', 'id="ifrMain" name="work"'));
    const field = await selectors().resolve(page, 'invoice.vendor_name');
    expect(await field.getAttribute('id')).toBe('txtVendor');
    expect(warnings).toEqual([
      expect.objectContaining({
        message: 'frame selector fallback used',
        frame: 'work',
        element: 'invoice.vendor_name',
        attempt: 1,
      }),
    ]);
  });

  it('reaches a frame nested in another, and rows and their cells inside a frame', async () => {
    const dialog = '<button id="btnOk">OK</button>';
    await page.setContent(
      shell(`<table><tr class="row"><td class="no">A-1</td></tr><tr class="row"><td class="no">A-2</td></tr></table>
<iframe id="ifrDialog" srcdoc="${attr(dialog)}"></iframe>`),
    );
    const sel = selectors();
    expect(await (await sel.resolve(page, 'dialog.ok')).textContent()).toBe('OK');
    const rows = await sel.all(page, 'search.result_row');
    const numbers = [];
    for (const row of rows) {
      numbers.push(await (await sel.resolve(row, 'search.result_number')).textContent());
    }
    expect(numbers).toEqual(['A-1', 'A-2']);
  });

  it('stays in a frame while its screens change, and enters it afresh when the shell changed', async () => {
    const sel = selectors();
    const vendorIn = () => page.frame({ name: 'work' })!.locator('#txtVendor');
    await page.setContent(shell('<input id="txtVendor">'));
    await (await sel.resolve(page, 'invoice.vendor_name')).fill('first screen');
    expect(await vendorIn().inputValue()).toBe('first screen');
    // The frame loads another screen: same frame, new document.
    await page.evaluate(() => {
      document.querySelector('iframe')!.srcdoc = '<p>next</p><input id="txtVendor">';
    });
    await page.frame({ name: 'work' })!.locator('p').waitFor();
    await (await sel.resolve(page, 'invoice.vendor_name')).fill('second screen');
    expect(await vendorIn().inputValue()).toBe('second screen');
    // The whole shell is replaced: its old frame is gone with it.
    await page.setContent(shell('<input id="txtVendor" value="">'));
    await (await sel.resolve(page, 'invoice.vendor_name')).fill('new shell');
    expect(await vendorIn().inputValue()).toBe('new shell');
    expect(warnings).toEqual([]);
  });

  it('works the same in an old frameset, whose frames are <frame> elements', async () => {
    const work = `data:text/html,${encodeURIComponent('<input id="txtVendor" title="Vendor name">')}`;
    await page.setContent(`<frameset cols="30%,70%"><frame name="menu" src="about:blank">
<frame id="frmWork" name="work" src="${work}"></frameset>`);
    await page.frame({ name: 'work' })!.locator('#txtVendor').waitFor();
    const map = { ...MAP, frames: { work: { primary: 'frame#frmWork' } } };
    const sel = new Selectors(
      selectorMapSchema.parse({
        ...map,
        elements: { 'invoice.vendor_name': MAP.elements['invoice.vendor_name'] },
      }),
      logger,
      2_000,
    );
    await (await sel.resolve(page, 'invoice.vendor_name')).fill('ACME');
    expect(await page.frame({ name: 'work' })!.locator('#txtVendor').inputValue()).toBe('ACME');
    expect(warnings).toEqual([]);
  });

  it('names the frame when an element is not found in it', async () => {
    await page.setContent(shell('<p>empty</p>'));
    const error = await new Selectors(selectorMapSchema.parse(MAP), logger, 300)
      .resolve(page, 'invoice.vat_id')
      .catch((e: unknown) => e);
    expect(errorCodeOf(error)).toBe('SELECTOR_MISSING');
    expect((error as Error).message).toBe(
      'element invoice.vat_id (portal/v1) not found in frame work; tried #txtVat',
    );
  });

  it('finds a login form shown inside a frame only when asked to look anywhere', async () => {
    await page.setContent(shell('<input id="txtUser">'));
    const sel = selectors();
    await page.frame({ name: 'work' })?.locator('#txtUser').waitFor();
    expect(await sel.present(page, 'login.user')).toBe(false);
    expect(await sel.presentAnywhere(page, 'login.user')).toBe(true);
  });

  it('gives masked elements as locators inside their frame, empty on a page without it', async () => {
    await page.setContent(shell('<input id="txtVat" value="DE123">'));
    await page.frame({ name: 'work' })?.locator('#txtVat').waitFor();
    const [mask] = selectors().maskLocators(page);
    expect(await mask!.evaluateAll((els) => els.map((e) => e.id))).toEqual(['txtVat']);
    await page.setContent('<p>login page</p>');
    expect(await mask!.evaluateAll((els) => els.length)).toBe(0);
  });

  it('detects the release from a marker inside a frame', async () => {
    await page.setContent(shell('<meta name="release" content="1.2">'));
    await page.frame({ name: 'work' })?.waitForLoadState();
    expect(await detectRelease(page, 'portal', writeMap('detect', MAP))).toBe('v1');
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
