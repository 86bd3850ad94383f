import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../../runner/browser.ts';
import { messageOf } from '../../runner/errors.ts';
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
    report.walkError = messageOf(error);
  } finally {
    await context.close();
  }
  report.elements = verdicts(flow, map, seen);
  return report;
}

type Found = Pick<ElementCheck, 'status' | 'matches' | 'selector' | 'screen'>;

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
  const verdict = (key: string, isRequired: boolean, extra: Partial<ElementCheck>) => {
    const found = seen.get(key) ?? { status: 'missing' as const, matches: 0 };
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
  return [...frames, ...elements];
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
  for (const [index, selector] of candidates.entries()) {
    const count = await scope
      .locator(selector)
      .count()
      .catch(() => 0);
    if (count === 0) continue;
    const status = count > 1 && !isList ? 'ambiguous' : index > 0 ? 'fallback' : 'ok';
    return { status, matches: count, selector };
  }
  return null;
}
