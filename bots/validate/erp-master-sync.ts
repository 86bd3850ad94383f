import { Decimal } from 'decimal.js';
import type { Browser, Frame, Page } from 'playwright-core';
import { BusinessError, SystemError } from '../../runner/errors.ts';
import { launchBrowser } from '../../runner/browser.ts';
import type { Logger } from '../../runner/logger.ts';
import {
  DEFAULT_SELECTORS_DIR,
  detectRelease,
  loadSelectorMap,
  type SelectorMap,
  Selectors,
} from '../../runner/selectors.ts';
import type { VendorRecord } from './check-result.ts';
import { emptyMasterData, type MasterData, type PurchaseOrder } from './master-types.ts';

/**
 * The master data sync bot: signs into the ERP with the posting bot's selector map, opens its
 * vendor list and purchase order screens through the menu, and reads vendors, orders with their
 * lines and the goods receipts booked against them into {@link MasterData}. Values are read as
 * the release prints them (DD.MM.YYYY dates, decimal commas) and normalised. Read-only: it
 * never submits a form other than the login.
 */
export interface ErpMasterSyncOptions {
  system: string;
  baseUrl: string;
  user: string;
  password: string;
  /** UI release, or `auto` to detect it on the login page. */
  release?: string;
  browser: { executablePath?: string; headless: boolean; stepTimeoutMs: number };
  logger: Logger;
  selectorsDir?: string;
}

/**
 * Menu entries and grids of the master screens, the same in every release of the fixture ERP.
 * A release may show the screens in a frame of a portal shell (the menu loads them there), so
 * a screen is read in whichever frame shows its grid.
 */
const MENU = { vendors: 'a:text-is("Vendors")', orders: 'a:text-is("Purchase Orders")' };
const grid = (name: string) => `[data-grid="${name}"] .gridRow`;

type Row = Record<string, string>;

export async function syncErpMaster(opts: ErpMasterSyncOptions): Promise<MasterData> {
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser(opts.browser);
    const page = await browser.newPage();
    page.setDefaultTimeout(opts.browser.stepTimeoutMs);
    const map = await signIn(page, opts);
    const data = emptyMasterData();
    const timeoutMs = opts.browser.stepTimeoutMs;
    const vendors = await openMenu(page, MENU.vendors, 'vendors', timeoutMs);
    data.vendors = (await readGrid(vendors, 'vendors')).map((r) => toVendor(r, map));
    const orders = await openMenu(page, MENU.orders, 'orders', timeoutMs);
    const listed = await readGrid(orders, 'orders');
    const links = await orders.locator(`${grid('orders')} [data-col="number"] a`).all();
    const hrefs = await Promise.all(links.map((a) => a.getAttribute('href')));
    for (const [index, row] of listed.entries()) {
      const href = hrefs[index];
      if (!href) throw missing(`link of order ${row.number}`);
      // Opened where the list was, so a framed release keeps its shell around the order.
      await orders.goto(new URL(href, orders.url()).toString());
      const order = toOrder(row, await readGrid(orders, 'po-lines'), map);
      data.purchaseOrders.push(order);
      const receipts = await readGrid(orders, 'po-receipts');
      data.goodsReceipts.push(
        ...receipts.map((r) => ({
          id: need(r, 'id'),
          poNumber: order.number,
          lineNo: need(r, 'line'),
          quantity: amount(need(r, 'quantity'), map),
          ...(r.date ? { date: isoDate(r.date, map) } : {}),
        })),
      );
    }
    opts.logger.info('ERP master data read', {
      bot: 'master-sync',
      erp: opts.baseUrl,
      count: data.vendors.length + data.purchaseOrders.length + data.goodsReceipts.length,
      selectorMapVersion: `${map.system}/${map.release}`,
    });
    return data;
  } finally {
    await browser?.close().catch(() => {});
  }
}

async function signIn(page: Page, opts: ErpMasterSyncOptions): Promise<SelectorMap> {
  const dir = opts.selectorsDir ?? DEFAULT_SELECTORS_DIR;
  try {
    await page.goto(opts.baseUrl);
  } catch (error) {
    throw new SystemError('TARGET_UNAVAILABLE', `${opts.baseUrl} did not answer`, { cause: error });
  }
  const release =
    !opts.release || opts.release === 'auto'
      ? await detectRelease(page, opts.system, dir)
      : opts.release;
  const map = loadSelectorMap(opts.system, release, dir);
  const sel = new Selectors(map, opts.logger, opts.browser.stepTimeoutMs);
  const user = await sel.probe(page, 'login.user');
  if (!user) return map;
  await user.fill(opts.user);
  await (await sel.resolve(page, 'login.password')).fill(opts.password);
  await Promise.all([
    page.waitForLoadState('load'),
    (await sel.resolve(page, 'login.submit')).click(),
  ]);
  await page.waitForLoadState('load');
  if (await sel.probe(page, 'login.user'))
    throw new SystemError(
      'TARGET_LOGIN_FAILED',
      `login as ${opts.user} refused by ${opts.baseUrl}`,
    );
  return map;
}

/** Clicks a menu entry and returns the frame (maybe the page's own) that shows `gridName`. */
async function openMenu(
  page: Page,
  selector: string,
  gridName: string,
  timeoutMs: number,
): Promise<Frame> {
  const link = page.locator(selector).first();
  if ((await link.count()) === 0) throw missing(`menu entry of the ${gridName} screen`);
  await link.click();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shown = await frameShowing(page, gridName);
    if (shown) {
      await shown.waitForLoadState('load');
      return shown;
    }
    if (Date.now() >= deadline) throw missing(`grid "${gridName}" after the menu click`);
    await page.waitForTimeout(100);
  }
}

async function frameShowing(page: Page, gridName: string): Promise<Frame | null> {
  for (const frame of page.frames()) {
    const count = await frame
      .locator(`[data-grid="${gridName}"]`)
      .count()
      .catch(() => 0);
    if (count > 0) return frame;
  }
  return null;
}

/** Every row of a grid as column -> trimmed text; an empty grid gives no rows. */
async function readGrid(frame: Frame, name: string): Promise<Row[]> {
  if ((await frame.locator(`[data-grid="${name}"]`).count()) === 0)
    throw missing(`grid "${name}" on ${frame.url()}`);
  return frame
    .locator(grid(name))
    .evaluateAll((rows) =>
      rows.map((row) =>
        Object.fromEntries(
          [...row.querySelectorAll<HTMLElement>('[data-col]')].map((cell) => [
            cell.dataset.col ?? '',
            (cell.textContent ?? '').replace(/\s+/g, ' ').trim(),
          ]),
        ),
      ),
    );
}

function toVendor(r: Row, map: SelectorMap): VendorRecord {
  const terms = /(\d+)/.exec(r.terms ?? '')?.[1];
  const ibans = list(r.ibans).map((i) => i.replace(/\s+/g, ''));
  const changes = list(r.bankChanges).map((d) => isoDate(d, map));
  const status = need(r, 'status').toLowerCase();
  if (status !== 'active' && status !== 'blocked')
    throw new BusinessError('MASTER_DATA_INVALID', `vendor ${r.number}: status "${r.status}"`);
  return {
    id: need(r, 'number'),
    name: need(r, 'name'),
    status,
    ...(r.vatId ? { vatId: r.vatId } : {}),
    ...(ibans.length > 0 ? { ibans } : {}),
    ...(r.blockNote ? { blockedReason: r.blockNote } : {}),
    ...(r.vendorClass ? { vendorClass: r.vendorClass } : {}),
    ...(terms ? { paymentTermsDays: Number(terms) } : {}),
    ...(changes.length > 0 ? { bankChangeDates: changes } : {}),
  };
}

function toOrder(r: Row, lines: Row[], map: SelectorMap): PurchaseOrder {
  return {
    number: need(r, 'number'),
    vendorId: need(r, 'vendorNumber'),
    ...(r.currency ? { currency: r.currency } : {}),
    ...(r.company ? { entity: r.company } : {}),
    ...(r.costCentre ? { costCentre: r.costCentre } : {}),
    ...(r.glAccount ? { glAccount: r.glAccount } : {}),
    lines: lines.map((l) => ({
      lineNo: need(l, 'line'),
      ...(l.description ? { description: l.description } : {}),
      quantity: amount(need(l, 'quantity'), map),
      unitPrice: amount(need(l, 'unitPrice'), map),
    })),
  };
}

function list(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A number as the release prints it ("1.234,50" with a comma release) to a decimal string. */
export function amount(text: string, map: SelectorMap): string {
  const comma = map.formats.decimalSeparator === ',';
  const plain = comma ? text.replace(/[.\s]/g, '').replace(',', '.') : text.replace(/[,\s]/g, '');
  try {
    return new Decimal(plain).toString();
  } catch {
    throw new BusinessError('MASTER_DATA_INVALID', `"${text}" is not an amount`);
  }
}

/** A date as the release prints it to YYYY-MM-DD. */
export function isoDate(text: string, map: SelectorMap): string {
  const format = map.formats.date;
  const parts = text.match(/\d+/g) ?? [];
  const [a, b, c] = parts;
  if (!a || !b || !c) throw new BusinessError('MASTER_DATA_INVALID', `"${text}" is not a date`);
  const [y, m, d] =
    format === 'DD.MM.YYYY' ? [c, b, a] : format === 'MM/DD/YYYY' ? [c, a, b] : [a, b, c];
  return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

function need(r: Row, col: string): string {
  const value = r[col];
  if (!value) throw missing(`column ${col}`);
  return value;
}

function missing(what: string): SystemError {
  return new SystemError('SELECTOR_MISSING', `ERP master screens: ${what} not found`);
}
