import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';
import { SystemError } from './errors.ts';
import type { Logger } from './logger.ts';
import {
  anyOf,
  enterAny,
  isPage,
  type LookupScope,
  matches,
  pageOf,
  type SelectorScope,
} from './selector-scope.ts';
import {
  DEFAULT_SELECTORS_DIR,
  framePath,
  loadSelectorMaps,
  type SelectorElement,
  type SelectorMap,
} from './selector-map.ts';

export type { LookupScope, SelectorScope } from './selector-scope.ts';
export {
  DEFAULT_SELECTORS_DIR,
  framePath,
  loadSelectorMap,
  loadSelectorMaps,
  type SelectorElement,
  type SelectorFrame,
  type SelectorMap,
  selectorMapSchema,
} from './selector-map.ts';

/**
 * Tells which UI release the open page belongs to by trying each map's detect rule. Call it on
 * the login page, which every release shows before anything else.
 */
export async function detectRelease(
  page: Page,
  system: string,
  dir = DEFAULT_SELECTORS_DIR,
): Promise<string> {
  const seen: string[] = [];
  for (const map of loadSelectorMaps(system, dir)) {
    const marker = enterAny(page, map, map.detect.frame).locator(map.detect.selector).first();
    if ((await marker.count()) === 0) continue;
    const text = map.detect.attribute
      ? ((await marker.getAttribute(map.detect.attribute)) ?? '')
      : ((await marker.textContent()) ?? '');
    seen.push(text);
    if (new RegExp(map.detect.pattern).test(text)) return map.release;
  }
  throw new SystemError(
    'RELEASE_UNKNOWN',
    `the ${system} page at ${page.url()} matches no selector map (saw ${JSON.stringify(seen)})`,
  );
}

export type SelectorVars = Record<string, string | number>;

/**
 * Resolves business element names to locators, through primary and fallback selectors, inside
 * the frame the map names. Frames are entered only from the page: an element looked up inside
 * another element (a cell inside a row) is already in that element's frame.
 */
export class Selectors {
  /**
   * The selector that last found each frame, used again without a look of its own: the
   * iframe of a portal shell stays while its screens change. Forgotten when an element is
   * not found in the frame, so the next look picks the frame afresh.
   */
  private readonly frameSeen = new Map<string, string>();
  /**
   * The browser frame behind each frame name, once entered. An iframe keeps its frame while
   * its screens change, and a look-up in a known frame is one round trip, where entering it
   * through its `<iframe>` element again costs several. A frame whose element went away
   * (the shell itself changed page) is detached and entered afresh.
   */
  private readonly frameEntered = new Map<string, Frame>();

  constructor(
    readonly map: SelectorMap,
    private readonly logger: Logger,
    /** How long {@link resolve} looks for an element before SELECTOR_MISSING, in ms. */
    private readonly timeoutMs: number,
  ) {}

  get version(): string {
    return `${this.map.system}/${this.map.release}`;
  }

  has(name: string): boolean {
    return Object.hasOwn(this.map.elements, name);
  }

  /** Fails fast, at session start, when a bot needs elements the map does not name. */
  require(names: readonly string[]): void {
    const missing = names.filter((n) => !this.has(n));
    if (missing.length > 0) {
      throw new SystemError(
        'SELECTOR_MAP_INVALID',
        `selector map ${this.version} lacks ${missing.join(', ')}`,
      );
    }
  }

  /**
   * The first candidate that matches, primary before fallbacks, polling until `timeoutMs`:
   * pages change under the bot (a row added by script, a dialog opening, a frame loading), so
   * "not yet" is normal. Throws SystemError('SELECTOR_MISSING') naming the element, its frame
   * and every selector tried.
   */
  async resolve(scope: SelectorScope, name: string, vars: SelectorVars = {}): Promise<Locator> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const found = await this.probe(scope, name, vars);
      if (found) return found;
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const frame = this.element(name).frame;
    const where = frame && isPage(scope) ? ` in frame ${frame}` : '';
    throw new SystemError(
      'SELECTOR_MISSING',
      `element ${name} (${this.version}) not found${where}; tried ${this.candidates(name, vars).join(' | ')}`,
      { details: { element: name, selectorMapVersion: this.version, frame } },
    );
  }

  /** Like {@link resolve} but looks once and returns null when nothing matches. */
  async probe(
    scope: SelectorScope,
    name: string,
    vars: SelectorVars = {},
  ): Promise<Locator | null> {
    const where = await this.scopeOf(scope, name);
    const selector = where && (await this.pick(where, name, vars));
    if (where && selector) return where.locator(selector).first();
    this.forgetFrames(name);
    return null;
  }

  /**
   * Whether any candidate matches, in one round trip and without logging fallbacks: for
   * checks that expect "no" (is the login form back?), where {@link probe} asks each in turn.
   */
  async present(scope: SelectorScope, name: string, vars: SelectorVars = {}): Promise<boolean> {
    const any = anyOf(pageOf(scope), this.enterAny(scope, name), this.candidates(name, vars));
    return (await any.count().catch(() => 0)) > 0;
  }

  /**
   * Whether the element shows in any frame of the page, whatever frame the map names. A framed
   * ERP whose session ended shows its login form inside the frame the next click loaded, not
   * where the map expects the login form; asking "is it back?" must find it there too.
   */
  async presentAnywhere(page: Page, name: string, vars: SelectorVars = {}): Promise<boolean> {
    const candidates = this.candidates(name, vars);
    const counts = await Promise.all(
      page.frames().map((frame) =>
        candidates
          .map((s) => frame.locator(s))
          .reduce((a, b) => a.or(b))
          .count()
          .catch(() => 0),
      ),
    );
    return counts.some((count) => count > 0);
  }

  /** Every match of the first candidate that matches (e.g. all rows of a result list). */
  async all(scope: SelectorScope, name: string, vars: SelectorVars = {}): Promise<Locator[]> {
    const where = await this.scopeOf(scope, name);
    const selector = where && (await this.pick(where, name, vars));
    if (where && selector) return where.locator(selector).all();
    this.forgetFrames(name);
    return [];
  }

  /**
   * Where `name` is looked up from `scope`: inside the element's frame when `scope` is the
   * page, `scope` itself when it is an element. Null when the frame is not on the page.
   */
  async scopeOf(scope: SelectorScope, name: string): Promise<LookupScope | null> {
    if (!isPage(scope)) return scope;
    return this.enterFrame(scope, this.element(name).frame, name);
  }

  /**
   * The document of frame `frame` (through its parents), each frame's primary selector before
   * its fallbacks, every fallback use logged. The page itself for no frame; null when a frame
   * on the way is not there.
   */
  async enterFrame(
    page: Page,
    frame: string | undefined,
    element?: string,
  ): Promise<Page | Frame | FrameLocator | null> {
    let where: Page | Frame | FrameLocator = page;
    for (const name of framePath(this.map, frame)) {
      const known = this.frameEntered.get(name);
      if (known && !known.isDetached()) {
        where = known;
        continue;
      }
      const selector: string | null =
        this.frameSeen.get(name) ?? (await this.pickFrame(where, name, element));
      if (selector === null) return null;
      this.frameSeen.set(name, selector);
      const iframe = where.locator(selector).first();
      const entered = await frameBehind(iframe);
      if (entered) this.frameEntered.set(name, entered);
      // Not there yet (still loading): look through the element, which waits for it.
      where = entered ?? iframe.contentFrame();
    }
    return where;
  }

  /**
   * Everything flagged `mask` (or the named ones of those), in its frame, as locators for
   * painting over in screenshots.
   */
  maskLocators(page: Page, only?: readonly string[]): Locator[] {
    return [...this.maskCandidates()]
      .filter(([name]) => !only || only.includes(name))
      .map(([name, candidates]) => anyOf(page, this.enterAny(page, name), candidates));
  }

  /** Each element flagged `mask`, with its selectors. */
  maskCandidates(): Map<string, string[]> {
    return new Map(
      Object.entries(this.map.elements)
        .filter(([, el]) => el.mask)
        .map(([name]) => [name, this.candidates(name, {})]),
    );
  }

  candidates(name: string, vars: SelectorVars): string[] {
    const element = this.element(name);
    return [element.primary, ...element.fallbacks].map((s) => fill(s, vars));
  }

  /** The selectors of a frame's `<iframe>` element, primary first. */
  frameCandidates(frame: string): string[] {
    const declared = this.map.frames[frame];
    if (!declared) {
      throw new SystemError('SELECTOR_MAP_INVALID', `selector map ${this.version} lacks ${frame}`);
    }
    return [declared.primary, ...declared.fallbacks];
  }

  private element(name: string): SelectorElement {
    const element = this.map.elements[name];
    if (!element) {
      throw new SystemError('SELECTOR_MAP_INVALID', `selector map ${this.version} lacks ${name}`);
    }
    return element;
  }

  private forgetFrames(name: string): void {
    for (const frame of framePath(this.map, this.map.elements[name]?.frame)) {
      this.frameSeen.delete(frame);
      this.frameEntered.delete(frame);
    }
  }

  /** The element's frame with every frame candidate accepted: one round trip, no logging. */
  private enterAny(scope: SelectorScope, name: string): LookupScope {
    return isPage(scope) ? enterAny(scope, this.map, this.element(name).frame) : scope;
  }

  private async pick(where: LookupScope, name: string, vars: SelectorVars) {
    for (const [index, selector] of this.candidates(name, vars).entries()) {
      if (!(await matches(where, selector))) continue;
      if (index > 0) {
        this.logger.warn('selector fallback used', {
          element: name,
          frame: this.element(name).frame,
          selectorMapVersion: this.version,
          attempt: index,
        });
      }
      return selector;
    }
    return null;
  }

  private async pickFrame(where: Page | Frame | FrameLocator, frame: string, element?: string) {
    const candidates = this.frameCandidates(frame);
    // Without fallbacks there is nothing to choose: a missing frame shows as its element missing.
    if (candidates.length === 1) return candidates[0]!;
    for (const [index, selector] of candidates.entries()) {
      if (!(await matches(where, selector))) continue;
      if (index > 0) {
        this.logger.warn('frame selector fallback used', {
          frame,
          element,
          selectorMapVersion: this.version,
          attempt: index,
        });
      }
      return selector;
    }
    return null;
  }
}

/** The frame an `<iframe>` element shows, when the element is there and has one. */
async function frameBehind(iframe: Locator): Promise<Frame | null> {
  if ((await iframe.count().catch(() => 0)) === 0) return null;
  const handle = await iframe.elementHandle({ timeout: 1_000 }).catch(() => null);
  if (!handle) return null;
  try {
    return await handle.contentFrame();
  } catch {
    return null;
  } finally {
    await handle.dispose().catch(() => {});
  }
}

function fill(selector: string, vars: SelectorVars): string {
  return selector.replace(/\{(\w+)\}/g, (whole, key: string) =>
    Object.hasOwn(vars, key) ? String(vars[key]) : whole,
  );
}
