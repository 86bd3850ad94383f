import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser } from '../../runner/browser.ts';
import { messageOf } from '../../runner/errors.ts';
import type { Logger } from '../../runner/logger.ts';
import {
  detectRelease,
  loadSelectorMap,
  loadSelectorMaps,
  type SelectorMap,
  Selectors,
} from '../../runner/selectors.ts';
import { flowFor } from './flows.ts';
import { openPage } from './page-actions.ts';
import type { OpenPostingSessionOptions, PostingFlow } from './types.ts';

export interface CheckSelectorsOptions
  extends Pick<OpenPostingSessionOptions, 'system' | 'baseUrl' | 'user' | 'password' | 'browser'> {
  /** A release name, `auto` (the live one, default) or `all` (every map of the system). */
  release: string;
  logger: Logger;
  selectorsDir?: string;
}

export interface ElementCheck {
  element: string;
  /** `ambiguous`: the selector that matched finds more than one element. */
  status: 'ok' | 'fallback' | 'ambiguous' | 'missing' | 'unchecked';
  required: boolean;
  /** How many elements the selector that matched finds, on the first screen it matched. */
  matches: number;
  /** The selector that matched, and the screen it matched on. */
  selector?: string;
  screen?: string;
}

export interface ReleaseCheck {
  release: string;
  /** True when the live UI says it is this release. */
  isLive: boolean;
  elements: ElementCheck[];
  /** Why the walk through the UI stopped early (e.g. the map cannot log in), if it did. */
  walkError?: string;
}

/**
 * Walks the live UI of a target with each selector map and reports, per release, every
 * element that is missing or ambiguous. Saves nothing (see each flow's `check.walk`).
 */
export async function checkSelectorMaps(opts: CheckSelectorsOptions): Promise<ReleaseCheck[]> {
  const flow = flowFor(opts.system);
  const browser = await launchBrowser(opts.browser);
  try {
    const live = await liveRelease(browser, opts);
    const maps =
      opts.release === 'all'
        ? loadSelectorMaps(opts.system, opts.selectorsDir)
        : [
            loadSelectorMap(
              opts.system,
              opts.release === 'auto' ? (live ?? 'unknown') : opts.release,
              opts.selectorsDir,
            ),
          ];
    const reports: ReleaseCheck[] = [];
    for (const map of maps) reports.push(await checkMap(browser, flow, map, opts, live));
    return reports;
  } finally {
    await browser.close();
  }
}

async function liveRelease(browser: Browser, opts: CheckSelectorsOptions): Promise<string | null> {
  const page = await browser.newPage();
  try {
    await openPage(page, opts.baseUrl, opts.browser.stepTimeoutMs);
    return await detectRelease(page, opts.system, opts.selectorsDir);
  } catch (error) {
    opts.logger.warn('live release not detected', { error: messageOf(error) });
    return null;
  } finally {
    await page.context().close();
  }
}

async function checkMap(
  browser: Browser,
  flow: PostingFlow,
  map: SelectorMap,
  opts: CheckSelectorsOptions,
  live: string | null,
): Promise<ReleaseCheck> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // Short waits: a map of another release must fail fast, not wait out every element.
  const timeoutMs = Math.min(opts.browser.stepTimeoutMs, 3_000);
  page.setDefaultTimeout(timeoutMs);
  const selectors = new Selectors(map, opts.logger, timeoutMs);
  const seen = new Map<string, ElementCheck>();
  const names = Object.keys(map.elements);
  const report: ReleaseCheck = { release: map.release, isLive: map.release === live, elements: [] };
  try {
    const ctx = {
      page,
      selectors,
      baseUrl: opts.baseUrl,
      user: opts.user,
      password: opts.password,
      timeoutMs,
      logger: opts.logger,
    };
    await flow.check.walk(ctx, async (screen) => {
      for (const name of names) {
        if (seen.get(name)?.status === 'ok') continue;
        const found = await look(page, selectors, flow, name);
        if (found && !seen.has(name))
          seen.set(name, { ...found, element: name, required: false, screen });
      }
    });
  } catch (error) {
    report.walkError = messageOf(error);
  } finally {
    await context.close();
  }
  const required = new Set(flow.requiredElements);
  report.elements = names.map((name) => {
    const isRequired = required.has(name) && !flow.check.unreachable.includes(name);
    if (flow.check.unreachable.includes(name)) {
      return { element: name, status: 'unchecked', required: false, matches: 0 };
    }
    return seen.get(name)
      ? { ...seen.get(name)!, required: isRequired }
      : { element: name, status: 'missing', required: isRequired, matches: 0 };
  });
  return report;
}

/** The first candidate selector that matches on this screen, and how many it matches. */
async function look(
  page: Page,
  selectors: Selectors,
  flow: PostingFlow,
  name: string,
): Promise<Omit<ElementCheck, 'element' | 'required'> | null> {
  let scope: Page | Locator = page;
  const parent = flow.check.within[name];
  if (parent) {
    const row = await selectors.probe(page, parent);
    if (!row) return null;
    scope = row;
  }
  for (const [index, selector] of selectors.candidates(name, { row: 0 }).entries()) {
    const count = await scope
      .locator(selector)
      .count()
      .catch(() => 0);
    if (count === 0) continue;
    const isList = flow.check.lists.includes(name);
    const status = count > 1 && !isList ? 'ambiguous' : index > 0 ? 'fallback' : 'ok';
    return { status, matches: count, selector };
  }
  return null;
}
