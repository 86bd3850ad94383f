import type { Frame, Page } from 'playwright-core';

/**
 * The page's HTML as evidence, frames included. `page.content()` gives the top document only,
 * and a framed ERP keeps its forms and error messages inside an iframe, so each frame's
 * document is put into its `<iframe>` element as `srcdoc` (in a copy, never the live page):
 * the saved file opens in a browser as the bot saw it, and a search in it finds the ERP's
 * message. Old `<frame>` elements ignore `srcdoc` when opened, but their HTML is in the file.
 */
export async function pageHtml(page: Page): Promise<string> {
  return frameHtml(page.mainFrame());
}

interface Inlined {
  /** Position of the frame's element among the parent document's iframes and frames. */
  index: number;
  url: string;
  html: string;
}

async function frameHtml(frame: Frame): Promise<string> {
  const children: Inlined[] = [];
  for (const child of frame.childFrames()) {
    const inlined = await inline(child);
    if (inlined) children.push(inlined);
  }
  return frame.evaluate((frames) => {
    const copy = document.documentElement.cloneNode(true) as HTMLElement;
    const slots = copy.querySelectorAll('iframe, frame');
    for (const f of frames) {
      slots[f.index]?.setAttribute('srcdoc', f.html);
      slots[f.index]?.setAttribute('data-evidence-url', f.url);
    }
    const doctype = document.doctype ? `<!DOCTYPE ${document.doctype.name}>\n` : '';
    return doctype + copy.outerHTML;
  }, children);
}

/** A child frame's HTML and where its element sits; null when it went away meanwhile. */
async function inline(child: Frame): Promise<Inlined | null> {
  try {
    const element = await child.frameElement();
    const index = await element.evaluate((el) =>
      [...(el.ownerDocument?.querySelectorAll('iframe, frame') ?? [])].indexOf(el as Element),
    );
    await element.dispose();
    return { index, url: child.url(), html: await frameHtml(child) };
  } catch {
    // A frame that navigates or detaches while we read it is left as it is in the parent;
    // the rest of the page is still worth keeping.
    return null;
  }
}
