import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { LogFields } from './log-fields.ts';
import type { Logger } from './logger.ts';

/** Shared by tests only. */

/**
 * The colour of one pixel of a PNG as [r, g, b], read back through the browser's own decoder,
 * so a test can tell whether a screenshot shows a field or the paint over it.
 */
export async function pixelAt(browser: Browser, png: string, x: number, y: number) {
  const viewer = await browser.newPage();
  try {
    const data = readFileSync(png).toString('base64');
    return await viewer.evaluate(
      async ({ data, x, y }) => {
        const img = new Image();
        img.src = `data:image/png;base64,${data}`;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.width;
        canvas.height = img.height;
        const g = canvas.getContext('2d')!;
        g.drawImage(img, 0, 0);
        return Array.from(g.getImageData(x, y, 1, 1).data.slice(0, 3));
      },
      { data, x: Math.round(x), y: Math.round(y) },
    );
  } finally {
    await viewer.close();
  }
}

/** What Playwright's own screenshot `mask` paints, and so do the runner's quick shots. */
export const MASK_COLOUR = [255, 0, 255];

/** A logger that keeps its warnings (message and fields) in `into` and drops the rest. */
export function warningsLogger(into: Array<{ message: string } & LogFields>): Logger {
  const logger: Logger = {
    error: () => {},
    warn: (message, fields) => into.push({ message, ...fields }),
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  return logger;
}
