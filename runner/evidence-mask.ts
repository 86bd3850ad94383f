import type { Locator, Page } from 'playwright-core';
import { MASK_COLOUR_CSS } from './quick-screenshot.ts';
import type { Selectors } from './selectors.ts';

/**
 * Masking of secret fields (the map's `mask: true` elements) in everything a page shows.
 *
 * Where an element's selectors are all plain CSS, a style sheet adopted by every document the
 * page loads, in every frame, paints the element magenta and hides its text and children. The
 * page then never shows the value: no screenshot has to paint boxes first and take them away
 * after (which cost about as much as the capture), a screenshot that forgot the mask cannot
 * leak it, and the screencast frames of a Playwright trace are covered too (its DOM snapshots
 * still hold the value: a trace is for people who may see it). The field still
 * takes input and reports its value as before; only its look changes.
 *
 * Elements with selectors the browser's CSS does not understand (Playwright's `text=`,
 * `:has-text()`, XPath) are left to box painting at screenshot time: the returned function
 * gives their locators.
 */
export async function maskForEvidence(page: Page, selectors: Selectors): Promise<() => Locator[]> {
  const key = selectors.version;
  let installs = installed.get(page);
  if (!installs) {
    installs = new Map();
    installed.set(page, installs);
  }
  let covered = installs.get(key);
  if (!covered) {
    covered = install(page, selectors.maskCandidates());
    installs.set(key, covered);
  }
  const styled = await covered;
  // Not installed (the page was between documents): painting covers this posting, and the
  // next one tries again. A map with nothing CSS can style is not asked again.
  if (!styled) installs.delete(key);
  const painted = [...selectors.maskCandidates()]
    .filter(([, candidates]) => !candidates.every((s) => styled?.has(s)))
    .map(([name]) => name);
  return () => selectors.maskLocators(page, painted);
}

const installed = new WeakMap<Page, Map<string, Promise<Set<string> | null>>>();

/**
 * Adds the style sheet to future documents and to the ones open now; returns the selectors it
 * covers, or null when the page could not be asked which selectors its CSS understands.
 */
async function install(page: Page, elements: Map<string, string[]>): Promise<Set<string> | null> {
  const all = [...new Set([...elements.values()].flat())];
  if (all.length === 0) return new Set();
  let valid: string[];
  try {
    valid = await page.evaluate(nativeCss, all);
  } catch {
    return null;
  }
  if (valid.length === 0) return new Set();
  const arg = { selectors: valid, colour: MASK_COLOUR_CSS };
  await page.context().addInitScript(adoptMaskSheet, arg);
  await Promise.all(page.frames().map((f) => f.evaluate(adoptMaskSheet, arg).catch(() => {})));
  return new Set(valid);
}

/** Runs in the page: the selectors its own CSS engine accepts. */
function nativeCss(selectors: string[]): string[] {
  const probe = document.createDocumentFragment();
  return selectors.filter((s) => {
    try {
      probe.querySelector(s);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Runs in each document, from its first moment: one adopted sheet (it needs no `<head>` yet
 * and survives scripts that rewrite the markup). `!important` wins over the page's style
 * sheets and its plain inline styles.
 */
function adoptMaskSheet({ selectors, colour }: { selectors: string[]; colour: string }): void {
  const marker = '__rpaEvidenceMask';
  const doc = document as Document & { [marker]?: CSSStyleSheet };
  if (doc[marker] && doc.adoptedStyleSheets.includes(doc[marker])) return;
  const target = selectors.map((s) => `:is(${s})`).join(',');
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`${target} { background: ${colour} !important; color: transparent !important;
  -webkit-text-fill-color: transparent !important; text-shadow: none !important;
  border-color: transparent !important; border-radius: 0 !important; caret-color: transparent !important;
  outline: none !important; box-shadow: none !important }
${selectors.map((s) => `:is(${s}) *`).join(',')} { opacity: 0 !important }`);
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  doc[marker] = sheet;
}
