import { describe, expect, it } from 'vitest';
import { findChromium, launchBrowser } from './browser.ts';
import { errorCodeOf } from './errors.ts';

describe('launchBrowser', () => {
  it('names the missing binary when the configured path does not exist', () => {
    expect(() => findChromium('/nonexistent/chrome')).toThrow(
      /\/nonexistent\/chrome does not exist/,
    );
    try {
      findChromium('/nonexistent/chrome');
    } catch (error) {
      expect(errorCodeOf(error)).toBe('BROWSER_FAILED');
    }
  });

  it('starts a headless Chromium that renders a page', async () => {
    const browser = await launchBrowser({ headless: true });
    try {
      const page = await browser.newPage();
      await page.setContent('<p id="x">hello</p>');
      expect(await page.locator('#x').textContent()).toBe('hello');
    } finally {
      await browser.close();
    }
  });
});
