import type { CDPSession, Locator, Page } from 'playwright-core';

const MASK_CLASS = '__rpa_evidence_mask';
/** The colour of a masked field in evidence: Playwright's own mask colour. */
export const MASK_COLOUR_CSS = '#ff00ff';

/**
 * The quick screenshot: masked elements covered by magenta boxes (the colour Playwright's own
 * `mask` paints), then one DevTools capture with speed-tuned PNG encoding. Playwright's
 * screenshot does the same in several more round trips and costs two to three times as much,
 * which adds up at one shot per step. Returns null when the page is taller than its viewport
 * (Playwright's full-page shot takes over) or the browser speaks no DevTools protocol.
 * An element inside a frame gets its box in the frame's own document, at the element's
 * coordinates there: the frame then shows the box wherever it shows the element, clipped and
 * scrolled alike, with no sum of frame offsets that a border or a scrolled frame would spoil.
 * The size check travels with the masks, or with the capture when nothing needs painting
 * (fields masked by style, see evidence-mask.ts), so a shot costs one or two round trips.
 */
export async function quickScreenshot(page: Page, mask: Locator[]): Promise<Buffer | null> {
  const cdp = await cdpOf(page);
  if (!cdp) return null;
  const fitting = page.evaluate(
    () => document.documentElement.scrollHeight <= window.innerHeight + 1,
  );
  fitting.catch(() => {});
  const capture = () =>
    cdp.send('Page.captureScreenshot', {
      format: 'png',
      optimizeForSpeed: true,
    } as { format: 'png' });
  if (mask.length === 0) {
    const [fits, shot] = await Promise.all([fitting, capture()]);
    return fits ? Buffer.from(shot.data, 'base64') : null;
  }
  const box = { cls: MASK_CLASS, colour: MASK_COLOUR_CSS };
  const painting = mask.map((locator) => locator.evaluateAll(paintBoxes, box));
  try {
    const [fits] = await Promise.all([fitting, ...painting]);
    if (!fits) return null;
    return Buffer.from((await capture()).data, 'base64');
  } finally {
    await removeBoxes(page, painting);
  }
}

/** Runs in the page: a magenta box over each element, in the element's own document. */
function paintBoxes(elements: Element[], { cls, colour }: { cls: string; colour: string }): number {
  let added = 0;
  for (const el of elements) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const box = el.ownerDocument.createElement('div');
    box.className = cls;
    const view = el.ownerDocument.defaultView;
    box.style.cssText = `position:absolute;z-index:2147483647;background:${colour};
left:${r.left + (view?.scrollX ?? 0)}px;top:${r.top + (view?.scrollY ?? 0)}px;
width:${r.width}px;height:${r.height}px;pointer-events:none`;
    el.ownerDocument.body.appendChild(box);
    added++;
  }
  return added;
}

/** Takes the boxes away again in every frame that got one; a failed paint counts as one. */
async function removeBoxes(page: Page, painting: Array<Promise<number>>): Promise<void> {
  const counts = await Promise.all(painting.map((p) => p.catch(() => 1)));
  if (counts.every((n) => n === 0)) return;
  await Promise.all(
    page.frames().map((frame) =>
      frame
        .evaluate((cls) => {
          for (const box of document.querySelectorAll(`.${cls}`)) box.remove();
        }, MASK_CLASS)
        .catch(() => {}),
    ),
  );
}

const cdpSessions = new WeakMap<Page, Promise<CDPSession | null>>();

/** One DevTools session per page, opened on first use; null outside Chromium. */
function cdpOf(page: Page): Promise<CDPSession | null> {
  let session = cdpSessions.get(page);
  if (!session) {
    session = page
      .context()
      .newCDPSession(page)
      .catch(() => null);
    cdpSessions.set(page, session);
  }
  return session;
}
