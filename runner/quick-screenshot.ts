import type { CDPSession, Locator, Page } from 'playwright-core';

const MASK_CLASS = '__rpa_evidence_mask';

/**
 * The quick screenshot: masked elements covered by magenta boxes (the colour Playwright's own
 * `mask` paints), then one DevTools capture with speed-tuned PNG encoding. Playwright's
 * screenshot does the same in several more round trips and costs two to three times as much,
 * which adds up at one shot per step. Returns null when the page is taller than its viewport
 * (Playwright's full-page shot takes over) or the browser speaks no DevTools protocol.
 * An element inside a frame gets its box in the frame's own document, at the element's
 * coordinates there: the frame then shows the box wherever it shows the element, clipped and
 * scrolled alike, with no sum of frame offsets that a border or a scrolled frame would spoil.
 * The size check and the masks go out together, so a shot costs about two round trips
 * however many fields the map masks.
 */
export async function quickScreenshot(page: Page, mask: Locator[]): Promise<Buffer | null> {
  const cdp = await cdpOf(page);
  if (!cdp) return null;
  const fitting = page.evaluate(
    () => document.documentElement.scrollHeight <= window.innerHeight + 1,
  );
  const painting = mask.map((locator) => locator.evaluateAll(paintBoxes, MASK_CLASS));
  try {
    const [fits] = await Promise.all([fitting, ...painting]);
    if (!fits) return null;
    const shot = await cdp.send('Page.captureScreenshot', {
      format: 'png',
      optimizeForSpeed: true,
    } as { format: 'png' });
    return Buffer.from(shot.data, 'base64');
  } finally {
    await removeBoxes(page, painting);
  }
}

/** Runs in the page: a magenta box over each element, in the element's own document. */
function paintBoxes(elements: Element[], cls: string): number {
  let added = 0;
  for (const el of elements) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const box = el.ownerDocument.createElement('div');
    box.className = cls;
    const view = el.ownerDocument.defaultView;
    box.style.cssText = `position:absolute;z-index:2147483647;background:#ff00ff;
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
