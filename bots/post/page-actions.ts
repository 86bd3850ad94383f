import type { Locator, Page, Response } from 'playwright-core';
import { messageOf, SystemError } from '../../runner/errors.ts';

/**
 * Page moves shared by posting flows. Old ERPs answer every click with a whole new page, so
 * "click and wait for the next page" is the basic move, and its outcome (an answer, a server
 * error, or a connection that died) decides which error the bot raises.
 */

export type NavigationOutcome =
  | { kind: 'page'; status: number }
  | { kind: 'failed'; reason: string }
  | { kind: 'timeout' };

const ignore = () => {};

/** Opens `url` and fails with TARGET_UNAVAILABLE on a 5xx or a dead connection. */
export async function openPage(page: Page, url: string, timeoutMs: number): Promise<void> {
  let response: Response | null;
  try {
    response = await page.goto(url, { timeout: timeoutMs, waitUntil: 'domcontentloaded' });
  } catch (error) {
    assertBrowserAlive(page, `opening ${url}`);
    throw new SystemError('TARGET_UNAVAILABLE', `${url} did not load`, { cause: error });
  }
  const status = response?.status() ?? 0;
  if (status >= 500) throw new SystemError('TARGET_UNAVAILABLE', `${url} answered HTTP ${status}`);
}

/**
 * Clicks `target` and waits until the next page is committed and parsed. Redirects are
 * followed; the outcome reports the final status, or why no page came.
 */
export async function clickForNextPage(
  page: Page,
  target: Locator,
  timeoutMs: number,
): Promise<NavigationOutcome> {
  const main = page.mainFrame();
  const answered = page.waitForResponse(
    (r) => r.request().isNavigationRequest() && r.frame() === main && !isRedirect(r.status()),
    { timeout: timeoutMs },
  );
  const committed = page.waitForEvent('framenavigated', {
    predicate: (f) => f === main,
    timeout: timeoutMs,
  });
  const failed = page.waitForEvent('requestfailed', {
    predicate: (r) => r.isNavigationRequest() && r.frame() === main,
    timeout: timeoutMs,
  });
  for (const p of [answered, committed, failed]) p.catch(ignore);
  // noWaitAfter: Playwright's own wait for the navigation would turn a lost answer into a
  // click timeout; the waits above tell the cases apart instead.
  await target.click({ timeout: timeoutMs, noWaitAfter: true });
  const outcome = await Promise.race<NavigationOutcome>([
    Promise.all([answered, committed]).then(([r]) => ({ kind: 'page', status: r.status() })),
    failed.then((r) => ({ kind: 'failed', reason: r.failure()?.errorText ?? 'request failed' })),
  ]).catch((): NavigationOutcome => ({ kind: 'timeout' }));
  if (outcome.kind === 'page') await page.waitForLoadState('domcontentloaded');
  return outcome;
}

/** Like {@link clickForNextPage}, but any outcome other than a 2xx/4xx page is a system fault. */
export async function clickAndExpectPage(
  page: Page,
  target: Locator,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const outcome = await clickForNextPage(page, target, timeoutMs);
  if (outcome.kind === 'page' && outcome.status < 500) return;
  assertBrowserAlive(page, what);
  throw new SystemError('TARGET_UNAVAILABLE', `${what}: ${describeOutcome(outcome)}`);
}

/**
 * A page that died with its browser looks like an ERP that never answered; telling them apart
 * matters, since only a new browser helps the first (the caller drops the session on it).
 */
export function assertBrowserAlive(page: Page, what: string): void {
  const browser = page.context().browser();
  if (page.isClosed() || (browser !== null && !browser.isConnected())) {
    throw new SystemError('BROWSER_FAILED', `${what}: the browser is gone`);
  }
}

export function describeOutcome(outcome: NavigationOutcome): string {
  if (outcome.kind === 'page') return `HTTP ${outcome.status}`;
  if (outcome.kind === 'failed') return `connection failed (${outcome.reason})`;
  return 'no answer in time';
}

/**
 * Types into text boxes, picks in drop-downs: the map names the field, the page its kind.
 * Most fields are text boxes, so typing is tried first and costs no extra round trip; a
 * drop-down refuses `fill` at once and gets `selectOption` instead.
 */
export async function enterValue(field: Locator, value: string): Promise<void> {
  try {
    await field.fill(value);
  } catch (error) {
    if (!/not an <input>/.test(messageOf(error))) throw error;
    await field.selectOption({ value });
  }
}

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}
