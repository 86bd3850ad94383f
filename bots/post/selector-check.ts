import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../../runner/browser.ts';
import { errorCodeOf, messageOf } from '../../runner/errors.ts';
import type { Logger } from '../../runner/logger.ts';
import {
  detectRelease,
  framePath,
  type LookupScope,
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
  /** The element's name, or `frames.<name>` for a frame. */
  element: string;
  /** Set for a frame's own entry (its `<iframe>` element). */
  kind?: 'frame';
  /** The frame the element sits in, by name; unset on the top-level page. */
  frame?: string;
  /**
   * `ambiguous`: the selector that matched finds more than one element. `invalid`: the browser
   * cannot parse one of its selectors (a typo in the map). `no-rows`: a list, or a cell in one,
   * that could not be checked because the list showed no rows. `unchecked`: not reachable
   * without saving.
   */
  status: 'ok' | 'fallback' | 'ambiguous' | 'invalid' | 'missing' | 'no-rows' | 'unchecked';
  required: boolean;
  /** How many elements the selector that matched finds, on the first screen it matched. */
  matches: number;
  /** The selector that matched, and the screen it matched on. */
  selector?: string;
  screen?: string;
  /** Selectors the browser refused to parse, with its message. */
  invalid?: string[];
  /** A required element the map does not name at all. */
  notInMap?: boolean;
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
    // With `auto` the live release decides which map to check: without it there is nothing
    // to check, and the reason (no answer, a map that does not load) is the error.
    const live = await liveRelease(browser, opts, opts.release === 'auto');
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

async function liveRelease(
  browser: Browser,
  opts: CheckSelectorsOptions,
  mustDetect: boolean,
): Promise<string | null> {
  const page = await browser.newPage();
  try {
    await openPage(page, opts.baseUrl, opts.browser.stepTimeoutMs);
    return await detectRelease(page, opts.system, opts.selectorsDir);
  } catch (error) {
    if (mustDetect) throw error;
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
  const seen = new Map<string, Found>();
  const report: ReleaseCheck = { release: map.release, isLive: map.release === live, elements: [] };
  const note = (key: string, found: Omit<Found, 'screen'> | null, screen: string) => {
    if (found && !seen.has(key)) seen.set(key, { ...found, screen });
  };
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
      for (const frame of Object.keys(map.frames)) {
        if (!seen.has(FRAME_KEY(frame)))
          note(FRAME_KEY(frame), await lookFrame(page, selectors, frame), screen);
      }
      for (const name of Object.keys(map.elements)) {
        if (!seen.has(name)) note(name, await look(page, selectors, flow, name), screen);
      }
    });
  } catch (error) {
    // A refused password or a target that stopped answering says nothing about the map.
    if (WALK_FAULTS.has(errorCodeOf(error) ?? '')) throw error;
    report.walkError = messageOf(error);
  } finally {
    await context.close();
  }
  report.elements = verdicts(flow, map, seen);
  return report;
}

type Found = Pick<ElementCheck, 'status' | 'matches' | 'selector' | 'screen' | 'invalid'>;

const WALK_FAULTS = new Set(['TARGET_LOGIN_FAILED', 'TARGET_UNAVAILABLE', 'BROWSER_FAILED']);

/** Frames are listed beside the elements under the name they have in the map's YAML. */
const FRAME_KEY = (frame: string) => `frames.${frame}`;

/**
 * One entry per frame and element. A frame is required when a required element sits in it
 * (or in a frame inside it): without the frame, none of its elements can be reached.
 */
function verdicts(flow: PostingFlow, map: SelectorMap, seen: Map<string, Found>): ElementCheck[] {
  const unreachable = new Set(flow.check.unreachable);
  const required = new Set(flow.requiredElements.filter((n) => !unreachable.has(n)));
  const requiredFrames = new Set(
    [...required].flatMap((n) => framePath(map, map.elements[n]?.frame)),
  );
  // A list with no rows on the live UI cannot be checked, nor can the cells of its rows.
  const isListing = (name: string) =>
    flow.check.lists.includes(name) || flow.check.within[name] !== undefined;
  const verdict = (key: string, isRequired: boolean, extra: Partial<ElementCheck>) => {
    const found = seen.get(key) ?? {
      status: isListing(key) && !listShowedRows(flow, seen, key) ? 'no-rows' : 'missing',
      matches: 0,
    };
    return { element: key, ...extra, ...found, required: isRequired };
  };
  const frames = Object.keys(map.frames).map((frame) =>
    verdict(FRAME_KEY(frame), requiredFrames.has(frame), { kind: 'frame' }),
  );
  const elements = Object.entries(map.elements).map(([name, el]): ElementCheck => {
    const inFrame = el.frame ? { frame: el.frame } : {};
    if (unreachable.has(name)) {
      return { element: name, ...inFrame, status: 'unchecked', required: false, matches: 0 };
    }
    return verdict(name, required.has(name), inFrame);
  });
  const absent = [...required]
    .filter((name) => !Object.hasOwn(map.elements, name))
    .map((name): ElementCheck => {
      return { element: name, status: 'missing', required: true, matches: 0, notInMap: true };
    });
  return [...frames, ...elements, ...absent];
}

/** Whether the list an element belongs to (the element itself, or its row) showed a row. */
function listShowedRows(flow: PostingFlow, seen: Map<string, Found>, name: string): boolean {
  const list = flow.check.within[name] ?? name;
  return seen.has(list);
}

/** The first candidate selector that matches on this screen, and how many it matches. */
async function look(
  page: Page,
  selectors: Selectors,
  flow: PostingFlow,
  name: string,
): Promise<Omit<Found, 'screen'> | null> {
  const parent = flow.check.within[name];
  const scope = parent
    ? await selectors.probe(page, parent)
    : await selectors.scopeOf(page, name).catch(() => null);
  if (!scope) return null;
  const isList = flow.check.lists.includes(name);
  return firstMatch(scope, selectors.candidates(name, { row: 0 }), isList);
}

/** The frame's `<iframe>` element in its parent's document (the page for a top frame). */
async function lookFrame(
  page: Page,
  selectors: Selectors,
  frame: string,
): Promise<Omit<Found, 'screen'> | null> {
  const parent = selectors.map.frames[frame]?.parent;
  const scope = await selectors.enterFrame(page, parent).catch(() => null);
  if (!scope) return null;
  return firstMatch(scope, selectors.frameCandidates(frame), false);
}

async function firstMatch(
  scope: LookupScope,
  candidates: string[],
  isList: boolean,
): Promise<Omit<Found, 'screen'> | null> {
  const invalid: string[] = [];
  for (const [index, selector] of candidates.entries()) {
    const count = await scope
      .locator(selector)
      .count()
      .catch((error: unknown) => {
        const message = messageOf(error);
        if (UNPARSABLE.test(message)) invalid.push(`${selector}: ${message.replace(/^\S+: /, '')}`);
        return 0;
      });
    if (count === 0) continue;
    if (invalid.length > 0) return { status: 'invalid', matches: count, selector, invalid };
    const status = count > 1 && !isList ? 'ambiguous' : index > 0 ? 'fallback' : 'ok';
    return { status, matches: count, selector };
  }
  return invalid.length > 0 ? { status: 'invalid', matches: 0, invalid } : null;
}

/** How the browser refuses a selector it cannot parse (CSS or XPath). */
const UNPARSABLE = /while parsing|not a valid (XPath|selector)|Unknown engine|SyntaxError/i;
