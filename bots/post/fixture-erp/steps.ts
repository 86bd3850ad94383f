import type { Locator } from 'playwright-core';
import { BusinessError, SystemError } from '../../../runner/errors.ts';
import type { LineItem } from '../../../runner/invoice.ts';
import {
  clickAndExpectPage,
  clickForNextPage,
  describeOutcome,
  enterValue,
  openPage,
  waitForDocuments,
} from '../page-actions.ts';
import type { PostContext, SessionContext } from '../types.ts';
import { formatAmount, formatDate, sameKey } from './format.ts';

/** Opens the ERP and signs in unless the session is still alive. */
export async function ensureLoggedIn(ctx: SessionContext): Promise<void> {
  const { page, selectors: sel } = ctx;
  await openPage(page, ctx.baseUrl, ctx.timeoutMs);
  if (!(await sel.present(page, 'login.user'))) return;
  const user = await sel.resolve(page, 'login.user');
  ctx.logger.info('logging in');
  // fill() types the secret into the field without it ever passing through a log line; the
  // map masks the field in screenshots, and a trace is paused until the answer came.
  const signIn = async () => {
    await user.fill(ctx.user);
    await (await sel.resolve(page, 'login.password')).fill(ctx.password);
    await clickAndExpectPage(page, await sel.resolve(page, 'login.submit'), ctx.timeoutMs, 'login');
  };
  await (ctx.offTheRecord ? ctx.offTheRecord(signIn) : signIn());
  if (await sel.probe(page, 'login.user')) {
    const shown = await readError(ctx, 'login.error_message');
    throw new SystemError('TARGET_LOGIN_FAILED', `login as ${ctx.user} refused: ${shown}`);
  }
  await dismissPopup(ctx);
}

/**
 * Presses OK on a modal notice when the page shows one (maps without `popup.dismiss` have
 * none): until then the notice swallows every click on the page below.
 */
export async function dismissPopup(ctx: SessionContext): Promise<void> {
  const { page, selectors: sel } = ctx;
  if (!sel.has('popup.dismiss') || !(await sel.present(page, 'popup.dismiss'))) return;
  const ok = await sel.resolve(page, 'popup.dismiss');
  if (!(await ok.isVisible())) return;
  ctx.logger.info(`modal notice dismissed: ${await noticeText(ok)}`, { element: 'popup.dismiss' });
  await ok.click();
}

async function noticeText(ok: Locator): Promise<string> {
  const box = ok.locator('xpath=ancestor::*[@role="dialog"][1]');
  return ((await box.textContent().catch(() => '')) ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * Waits out an interim "processing" screen (maps without `page.processing` have none): the
 * ERP forwards from it to the real answer on its own. Still there after the step timeout, it
 * is a system fault whose outcome the caller must treat as unknown.
 */
async function waitWhileProcessing(ctx: PostContext): Promise<void> {
  const { page, selectors: sel } = ctx;
  if (!sel.has('page.processing')) return;
  const deadline = Date.now() + ctx.timeoutMs;
  while (await sel.present(page, 'page.processing')) {
    if (Date.now() >= deadline) {
      throw new SystemError(
        'POSTING_UNKNOWN',
        `save of ${describeInvoice(ctx)}: still "processing" after ${ctx.timeoutMs} ms`,
      );
    }
    await page.waitForTimeout(100);
  }
  await waitForDocuments(page);
}

/**
 * After a page change: a login form means the ERP ended the session under us. A framed ERP
 * shows it in the frame the click loaded, so every frame counts.
 */
async function assertStillLoggedIn(ctx: SessionContext, where: string): Promise<void> {
  if (await ctx.selectors.presentAnywhere(ctx.page, 'login.user')) {
    throw new SystemError('SESSION_EXPIRED', `the ERP asked to log in again at ${where}`);
  }
}

async function readError(ctx: SessionContext, element = 'page.error_message'): Promise<string> {
  const box = await ctx.selectors.probe(ctx.page, element);
  return box ? ((await box.textContent()) ?? '').trim() : '(no message shown)';
}

export async function go(ctx: SessionContext, element: string, where: string): Promise<void> {
  const target = await ctx.selectors.resolve(ctx.page, element);
  await clickAndExpectPage(ctx.page, target, ctx.timeoutMs, where);
  // Both look at the new page and neither changes it unless it finds what it looks for.
  await Promise.all([assertStillLoggedIn(ctx, where), dismissPopup(ctx)]);
}

/** Searches posted invoices; returns the document number of an exact vendor + number match. */
export async function searchPosted(
  ctx: SessionContext,
  vendor: string,
  invoiceNumber: string,
): Promise<string | null> {
  const { page, selectors: sel } = ctx;
  await go(ctx, 'menu.invoice_search', 'search screen');
  const criteria: Array<[string, string]> = [
    ['search.vendor', vendor],
    ['search.invoice_number', invoiceNumber],
  ];
  for (const [field, value] of await resolveFilled(ctx, criteria)) await field.fill(value);
  await go(ctx, 'search.submit', 'search results');
  await sel.resolve(page, 'search.results');
  // The ERP's filter is "contains"; only an exact key is the same invoice.
  for (const row of await sel.all(page, 'search.result_row')) {
    const cell = async (name: string) =>
      ((await (await sel.resolve(row, name)).textContent()) ?? '').trim();
    if (!sameKey(await cell('search.result_vendor'), vendor)) continue;
    if (!sameKey(await cell('search.result_invoice_number'), invoiceNumber)) continue;
    return cell('search.result_document_number');
  }
  return null;
}

export async function findExisting(ctx: PostContext): Promise<'stop' | undefined> {
  const { invoice } = ctx.request;
  const found = await searchPosted(ctx, invoice.seller_name, invoice.invoice_number);
  if (!found) return undefined;
  ctx.logger.info('invoice already posted; entering nothing');
  ctx.outcome = { erpDocumentNumber: found, alreadyPosted: true };
  return 'stop';
}

export async function openEntryForm(ctx: PostContext): Promise<undefined> {
  await go(ctx, 'menu.invoice_entry', 'invoice entry');
  await ctx.selectors.resolve(ctx.page, 'invoice.vendor_name');
  return undefined;
}

export async function fillHeader(ctx: PostContext): Promise<undefined> {
  const inv = ctx.request.invoice;
  const f = ctx.selectors.map.formats;
  const values: Array<[string, string | undefined]> = [
    ['invoice.vendor_name', inv.seller_name],
    ['invoice.vendor_vat_id', inv.seller_vat_id],
    ['invoice.invoice_number', inv.invoice_number],
    ['invoice.issue_date', formatDate(inv.issue_date, f)],
    ['invoice.due_date', inv.due_date && formatDate(inv.due_date, f)],
    ['invoice.currency', inv.currency],
    ['invoice.net_total', formatAmount(inv.net_total, f)],
    ['invoice.tax_total', formatAmount(inv.tax_total, f)],
    ['invoice.gross_total', formatAmount(inv.gross_total, f)],
    ['invoice.order_reference', inv.order_reference],
  ];
  for (const [field, value] of await resolveFilled(ctx, values)) await enterValue(field, value);
  return undefined;
}

/**
 * The fields of one screen that get a value, looked up all at once: the look-ups are
 * independent, so they travel to the browser together instead of one round trip each.
 */
async function resolveFilled(
  ctx: SessionContext,
  values: Array<[string, string | undefined]>,
  vars: { row?: number } = {},
): Promise<Array<[Locator, string]>> {
  const filled = values.filter((v): v is [string, string] => v[1] !== undefined && v[1] !== '');
  const fields = await Promise.all(
    filled.map(([element]) => ctx.selectors.resolve(ctx.page, element, vars)),
  );
  return fields.map((field, i) => [field, filled[i]![1]]);
}

export async function fillLines(ctx: PostContext): Promise<undefined> {
  const lines = ctx.request.invoice.line_items ?? [];
  for (const [row, line] of lines.entries()) {
    // The form opens with one empty row; every further row comes from "add line".
    if (row > 0) await (await ctx.selectors.resolve(ctx.page, 'invoice.add_line')).click();
    await fillLine(ctx, row, line);
  }
  return undefined;
}

async function fillLine(ctx: PostContext, row: number, line: LineItem): Promise<void> {
  const f = ctx.selectors.map.formats;
  const values: Array<[string, string | undefined]> = [
    ['line.description', line.description],
    ['line.quantity', line.quantity && formatAmount(line.quantity, f)],
    ['line.unit_price', line.unit_price && formatAmount(line.unit_price, f)],
    ['line.line_total', line.line_total && formatAmount(line.line_total, f)],
  ];
  for (const [field, value] of await resolveFilled(ctx, values, { row })) await field.fill(value);
}

export async function attachOriginal(ctx: PostContext): Promise<undefined> {
  const input = await ctx.selectors.resolve(ctx.page, 'invoice.original_file');
  await input.setInputFiles(ctx.request.originalPath);
  return undefined;
}

/**
 * Saves. From the click on, the ERP may have stored the invoice even if no answer comes, so
 * every fault here is POSTING_UNKNOWN: the retry must search before it enters anything again.
 */
export async function save(ctx: PostContext): Promise<'stop' | undefined> {
  const { page, selectors: sel } = ctx;
  let trigger = await sel.resolve(page, 'invoice.save');
  if (sel.has('invoice.confirm_save')) {
    await trigger.click();
    trigger = await sel.resolve(page, 'invoice.confirm_save');
  }
  const outcome = await clickForNextPage(page, trigger, ctx.timeoutMs);
  if (outcome.kind === 'timeout') await stopLoading(ctx);
  if (outcome.kind !== 'page' || outcome.status >= 500) {
    throw new SystemError(
      'POSTING_UNKNOWN',
      `save of ${describeInvoice(ctx)}: ${describeOutcome(outcome)}`,
    );
  }
  await waitWhileProcessing(ctx);
  await assertStillLoggedIn(ctx, 'save');
  if (await sel.probe(page, 'invoice.document_number')) return undefined;
  const shown = await readError(ctx);
  if (ALREADY_POSTED.test(shown)) return takeExisting(ctx, shown);
  throw new BusinessError('TARGET_REJECTED', shown, {
    details: { invoiceNumber: ctx.request.invoice.invoice_number },
  });
}

/** The ERP's "already posted" rejection (E1060): the entry exists, so it is not a rejection. */
const ALREADY_POSTED = /^E1060\b/;

/**
 * Someone (an earlier attempt whose answer was lost, or a clerk) posted this invoice after our
 * search. The ERP's own key refused a second entry; searching again yields its number.
 */
async function takeExisting(ctx: PostContext, shown: string): Promise<'stop'> {
  const { invoice } = ctx.request;
  ctx.logger.warn('ERP says the invoice is already posted; searching for its number', {
    invoiceNumber: invoice.invoice_number,
  });
  const found = await searchPosted(ctx, invoice.seller_name, invoice.invoice_number);
  if (!found) {
    throw new BusinessError('TARGET_REJECTED', `${shown} (but a search does not find it)`, {
      details: { invoiceNumber: invoice.invoice_number },
    });
  }
  ctx.outcome = { erpDocumentNumber: found, alreadyPosted: true };
  return 'stop';
}

export async function readDocumentNumber(ctx: PostContext): Promise<undefined> {
  const label = await ctx.selectors.resolve(ctx.page, 'invoice.document_number');
  const text = ((await label.textContent()) ?? '').trim();
  if (!text)
    throw new SystemError(
      'POSTING_UNKNOWN',
      `no document number shown for ${describeInvoice(ctx)}`,
    );
  ctx.outcome = { erpDocumentNumber: text, alreadyPosted: false };
  return undefined;
}

/** Ends a page load that will never finish, so the evidence of the form can still be taken. */
async function stopLoading(ctx: PostContext): Promise<void> {
  // Through the DevTools protocol: a script in the page waits for the pending navigation too.
  const cdp = await ctx.page.context().newCDPSession(ctx.page);
  try {
    await cdp.send('Page.stopLoading');
  } finally {
    await cdp.detach().catch(() => {});
  }
}

function describeInvoice(ctx: PostContext): string {
  const inv = ctx.request.invoice;
  return `invoice ${inv.invoice_number} of ${inv.seller_name}`;
}
