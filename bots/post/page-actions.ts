import type { Frame, Locator, Page, Request, Response } from 'playwright-core';
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
 * Clicks `target` and waits until the next page is committed and parsed, in whichever frame it
 * loads: a form posts into its own frame, and a portal's menu loads its screen into an iframe
 * of the shell. Redirects are followed; the outcome reports the final status, or why no page
 * came.
 */
export async function clickForNextPage(
  page: Page,
  target: Locator,
  timeoutMs: number,
): Promise<NavigationOutcome> {
  const next = new NextPageWatch(page, timeoutMs);
  try {
    // noWaitAfter: Playwright's own wait for the navigation would turn a lost answer into a
    // click timeout; the watch tells the cases apart instead.
    await target.click({ timeout: timeoutMs, noWaitAfter: true });
  } catch (error) {
    next.stop();
    throw error;
  }
  const { outcome, frame } = await next.settled;
  // A frame that went away meanwhile (its parent loaded another page) has nothing to wait for.
  if (frame) await frame.waitForLoadState('domcontentloaded').catch(ignore);
  return outcome;
}

type Settled = { outcome: NavigationOutcome; frame?: Frame };

/**
 * Watches for the page a click brings: the first navigation that starts from now on, in any
 * frame, answered (after redirects) and committed by that frame. Navigations already under
 * way are not the click's: a shell's iframe may still be loading its first screen, and the
 * click cancelling it is no failure.
 */
class NextPageWatch {
  readonly settled: Promise<Settled>;
  private settle: (value: Settled) => void = ignore;
  private readonly ours = new Set<Request>();
  private readonly navigating = new Set<Frame>();
  private readonly committed = new Set<Frame>();
  private answer: { frame: Frame; status: number } | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly page: Page,
    timeoutMs: number,
  ) {
    this.settled = new Promise((resolve) => {
      this.settle = resolve;
    });
    this.timer = setTimeout(() => this.finish({ kind: 'timeout' }), timeoutMs);
    page.on('request', this.onRequest);
    page.on('response', this.onResponse);
    page.on('framenavigated', this.onNavigated);
    page.on('requestfailed', this.onFailed);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.page.off('request', this.onRequest);
    this.page.off('response', this.onResponse);
    this.page.off('framenavigated', this.onNavigated);
    this.page.off('requestfailed', this.onFailed);
  }

  private finish(outcome: NavigationOutcome, frame?: Frame): void {
    this.stop();
    this.settle({ outcome, frame });
  }

  private readonly onRequest = (r: Request) => {
    if (!r.isNavigationRequest()) return;
    this.ours.add(r);
    this.navigating.add(r.frame());
  };

  // The answer and the frame's commit may arrive in either order; whichever comes second ends
  // the watch.
  private readonly onResponse = (r: Response) => {
    if (this.answer || !this.ours.has(r.request()) || isRedirect(r.status())) return;
    const answer = { frame: r.frame(), status: r.status() };
    this.answer = answer;
    if (this.committed.has(answer.frame)) this.finishPage(answer);
  };

  private readonly onNavigated = (frame: Frame) => {
    if (!this.navigating.has(frame)) return;
    this.committed.add(frame);
    if (this.answer?.frame === frame) this.finishPage(this.answer);
  };

  private readonly onFailed = (r: Request) => {
    if (!this.ours.has(r)) return;
    this.finish({ kind: 'failed', reason: r.failure()?.errorText ?? 'request failed' });
  };

  private finishPage(answer: { frame: Frame; status: number }): void {
    this.finish({ kind: 'page', status: answer.status }, answer.frame);
  }
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

/**
 * Waits until every frame's current document is parsed: after a page replaced itself (an
 * interim "processing" screen forwarding to the result), in whichever frame that was.
 */
export async function waitForDocuments(page: Page): Promise<void> {
  await Promise.all(
    page.frames().map((frame) => frame.waitForLoadState('domcontentloaded').catch(ignore)),
  );
}

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}
