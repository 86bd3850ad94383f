import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { SystemError } from './errors.ts';

export interface LaunchOptions {
  /** Chromium binary. Unset: Playwright's own browser if installed, else /usr/bin/chromium. */
  executablePath?: string;
  headless: boolean;
}

/** The system browser Debian installs; used when Playwright never downloaded its own. */
export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/**
 * Flags for an unattended bot: no sandbox (containers run as root), no GPU, and nothing that
 * phones home, since the bot hosts have no internet and a stray request only slows a step.
 * Without a frame-rate limit a screenshot waits for the next frame about 15 ms instead of
 * about 33 ms; at one shot per step that is most of what evidence costs. Headless pages draw
 * only what changed, so the flag adds no idle work.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-frame-rate-limit',
];

/** Picks the binary: the configured path, Playwright's own browser, then the system one. */
export function findChromium(executablePath?: string): string {
  if (executablePath) {
    if (existsSync(executablePath)) return executablePath;
    throw new SystemError(
      'BROWSER_FAILED',
      `browser.executablePath ${executablePath} does not exist; fix the setting or unset it`,
    );
  }
  const bundled = bundledChromium();
  if (bundled && existsSync(bundled)) return bundled;
  if (existsSync(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
  throw new SystemError(
    'BROWSER_FAILED',
    'no Chromium found: install it (Debian: apt-get install chromium) or set ' +
      'browser.executablePath / RPA_CHROMIUM_PATH to a Chromium binary',
  );
}

function bundledChromium(): string | undefined {
  try {
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}

/** Launches Chromium for a bot session. Throws SystemError('BROWSER_FAILED') with the cause. */
export async function launchBrowser(opts: LaunchOptions): Promise<Browser> {
  const executablePath = findChromium(opts.executablePath);
  try {
    return await chromium.launch({ executablePath, headless: opts.headless, args: CHROMIUM_ARGS });
  } catch (error) {
    throw new SystemError('BROWSER_FAILED', `Chromium at ${executablePath} did not start`, {
      cause: error,
      details: { executablePath },
    });
  }
}
