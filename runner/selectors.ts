import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SystemError } from './errors.ts';
import type { Logger } from './logger.ts';

const elementSchema = z
  .object({
    /** Tried first. May hold `{row}`-style placeholders filled at resolve time. */
    primary: z.string().min(1),
    /** Tried in order when the primary matches nothing; each use is logged as a warning. */
    fallbacks: z.array(z.string().min(1)).default([]),
    /** Hidden (painted over) in every screenshot. */
    mask: z.boolean().default(false),
  })
  .strict();

export const selectorMapSchema = z
  .object({
    system: z.string().min(1),
    release: z.string().min(1),
    /** How to recognise this release on the login page: a regex on an attribute or the text. */
    detect: z
      .object({ selector: z.string(), attribute: z.string().optional(), pattern: z.string() })
      .strict(),
    /** How the release wants values typed. */
    formats: z
      .object({
        date: z.enum(['DD.MM.YYYY', 'MM/DD/YYYY', 'YYYY-MM-DD']).default('YYYY-MM-DD'),
        decimalSeparator: z.enum(['.', ',']).default('.'),
      })
      .strict()
      .default({ date: 'YYYY-MM-DD', decimalSeparator: '.' }),
    elements: z.record(z.string().regex(/^[a-z_]+\.[a-z_]+$/), elementSchema),
  })
  .strict();

export type SelectorMap = z.infer<typeof selectorMapSchema>;
export type SelectorElement = z.infer<typeof elementSchema>;

/** The repository's `selectors/` folder, found from this file so any working directory works. */
export const DEFAULT_SELECTORS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../selectors',
);

/** Reads and validates `<dir>/<system>/<release>.yaml`. */
export function loadSelectorMap(
  system: string,
  release: string,
  dir = DEFAULT_SELECTORS_DIR,
): SelectorMap {
  const file = path.join(dir, system, `${release}.yaml`);
  if (!existsSync(file)) {
    throw new SystemError('SELECTOR_MAP_INVALID', `no selector map ${file}`, {
      details: { system, release },
    });
  }
  const parsed = selectorMapSchema.safeParse(parseYaml(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new SystemError('SELECTOR_MAP_INVALID', `${file}: ${problems.join('; ')}`);
  }
  if (parsed.data.system !== system || parsed.data.release !== release) {
    throw new SystemError('SELECTOR_MAP_INVALID', `${file} declares another system or release`);
  }
  return parsed.data;
}

/** Every map of a system, in release order. */
export function loadSelectorMaps(system: string, dir = DEFAULT_SELECTORS_DIR): SelectorMap[] {
  const folder = path.join(dir, system);
  const files = existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.yaml')) : [];
  if (files.length === 0) {
    throw new SystemError('SELECTOR_MAP_INVALID', `no selector maps for ${system} in ${folder}`);
  }
  return files.sort().map((f) => loadSelectorMap(system, f.replace(/\.yaml$/, ''), dir));
}

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
    const marker = page.locator(map.detect.selector).first();
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
type Scope = Page | Locator;

/** Resolves business element names to locators, through primary and fallback selectors. */
export class Selectors {
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
   * pages change under the bot (a row added by script, a dialog opening), so "not yet" is
   * normal. Throws SystemError('SELECTOR_MISSING') naming the element and every selector tried.
   */
  async resolve(scope: Scope, name: string, vars: SelectorVars = {}): Promise<Locator> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const found = await this.probe(scope, name, vars);
      if (found) return found;
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new SystemError(
      'SELECTOR_MISSING',
      `element ${name} (${this.version}) not found; tried ${this.candidates(name, vars).join(' | ')}`,
      { details: { element: name, selectorMapVersion: this.version } },
    );
  }

  /** Like {@link resolve} but looks once and returns null when nothing matches. */
  async probe(scope: Scope, name: string, vars: SelectorVars = {}): Promise<Locator | null> {
    const selector = await this.pick(scope, name, vars);
    return selector === null ? null : scope.locator(selector).first();
  }

  /**
   * Whether any candidate matches, in one round trip and without logging fallbacks: for
   * checks that expect "no" (is the login form back?), where {@link probe} asks each in turn.
   */
  async present(scope: Scope, name: string, vars: SelectorVars = {}): Promise<boolean> {
    const any = this.candidates(name, vars)
      .map((s) => scope.locator(s))
      .reduce((a, b) => a.or(b));
    try {
      return (await any.count()) > 0;
    } catch {
      return false;
    }
  }

  /** Every match of the first candidate that matches (e.g. all rows of a result list). */
  async all(scope: Scope, name: string, vars: SelectorVars = {}): Promise<Locator[]> {
    const selector = await this.pick(scope, name, vars);
    return selector === null ? [] : scope.locator(selector).all();
  }

  private async pick(scope: Scope, name: string, vars: SelectorVars): Promise<string | null> {
    for (const [index, selector] of this.candidates(name, vars).entries()) {
      if (!(await matches(scope, selector))) continue;
      if (index > 0) {
        this.logger.warn('selector fallback used', {
          element: name,
          selectorMapVersion: this.version,
          attempt: index,
        });
      }
      return selector;
    }
    return null;
  }

  /** Everything flagged `mask`, as locators for Playwright's screenshot `mask` option. */
  maskLocators(page: Page): Locator[] {
    return Object.entries(this.map.elements)
      .filter(([, el]) => el.mask)
      .map(([name]) =>
        this.candidates(name, {})
          .map((s) => page.locator(s))
          .reduce((a, b) => a.or(b)),
      );
  }

  candidates(name: string, vars: SelectorVars): string[] {
    const element = this.map.elements[name];
    if (!element) {
      throw new SystemError('SELECTOR_MAP_INVALID', `selector map ${this.version} lacks ${name}`);
    }
    return [element.primary, ...element.fallbacks].map((s) => fill(s, vars));
  }
}

function fill(selector: string, vars: SelectorVars): string {
  return selector.replace(/\{(\w+)\}/g, (whole, key: string) =>
    Object.hasOwn(vars, key) ? String(vars[key]) : whole,
  );
}

async function matches(scope: Scope, selector: string): Promise<boolean> {
  try {
    return (await scope.locator(selector).count()) > 0;
  } catch {
    // A navigation in flight destroys the context; the next poll looks again.
    return false;
  }
}
