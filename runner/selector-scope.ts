import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';
import { framePath, type SelectorMap } from './selector-map.ts';

/**
 * Where selectors are tried: the page, an element, or the document of a frame reached
 * through the page. Shared by the resolver and release detection.
 */

/** Where an element is looked up: the page (the map says which frame), or inside an element. */
export type SelectorScope = Page | Locator;
/** A place to look in: the page, an element, or a frame's document (by frame or its element). */
export type LookupScope = Page | Locator | Frame | FrameLocator;

/** Whether the scope is the page itself, the only scope from which frames are entered. */
export function isPage(scope: LookupScope): scope is Page {
  return 'mainFrame' in scope;
}

/** The page a scope belongs to. */
export function pageOf(scope: SelectorScope): Page {
  return isPage(scope) ? scope : scope.page();
}

/** The document of `frame` with every candidate of every frame on the way accepted. */
export function enterAny(
  page: Page,
  map: SelectorMap,
  frame: string | undefined,
): Page | FrameLocator {
  let where: Page | FrameLocator = page;
  for (const name of framePath(map, frame)) {
    const declared = map.frames[name]!;
    where = anyOf(page, where, [declared.primary, ...declared.fallbacks])
      .first()
      .contentFrame();
  }
  return where;
}

/**
 * One locator for "any of these selectors" inside `where`. Playwright refuses `or` between
 * locators that enter frames, so the alternatives are joined at the page and then placed in
 * the frame.
 */
export function anyOf(page: Page, where: LookupScope, selectors: string[]): Locator {
  if (isFrame(where)) return selectors.map((s) => where.locator(s)).reduce((a, b) => a.or(b));
  const any = selectors.map((s) => page.locator(s)).reduce((a, b) => a.or(b));
  return isPage(where) ? any : where.locator(any);
}

function isFrame(scope: LookupScope): scope is Frame {
  return 'parentFrame' in scope;
}

/** Whether `selector` finds anything in `where`; a page in the middle of loading finds nothing. */
export async function matches(where: LookupScope, selector: string): Promise<boolean> {
  try {
    return (await where.locator(selector).count()) > 0;
  } catch {
    // A navigation in flight destroys the context; the next poll looks again.
    return false;
  }
}
