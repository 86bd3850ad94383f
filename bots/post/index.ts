import { flowFor } from './flows.ts';
import { BrowserPostingSession } from './posting-session.ts';
import type { OpenPostingSessionOptions, PostingSession } from './types.ts';

export {
  type CheckSelectorsOptions,
  checkSelectorMaps,
  type ElementCheck,
  type ReleaseCheck,
} from './selector-check.ts';

export type {
  OpenPostingSessionOptions,
  PostInvoice,
  PostingSession,
  PostRequest,
  PostResult,
} from './types.ts';
export type { StepRecord } from '../../runner/step-runner.ts';

/**
 * Opens a browser session on a target ERP: launches Chromium, detects the UI release (when
 * `release` is `auto`) and loads its selector map. Reuse the session for many invoices and
 * close it at the end. Throws SystemError: BROWSER_FAILED, TARGET_UNAVAILABLE,
 * RELEASE_UNKNOWN or SELECTOR_MAP_INVALID.
 *
 * @example
 * const session = await openPostingSession({ system: 'fixture-erp', baseUrl, user: 'bot',
 *   password, release: 'auto', browser: { headless: true, stepTimeoutMs: 15_000 }, logger });
 * const result = await session.post({ caseId, runId, invoice, originalPath, evidenceDir });
 */
export async function openPostingSession(opts: OpenPostingSessionOptions): Promise<PostingSession> {
  const flow = flowFor(opts.system);
  const session = new BrowserPostingSession(opts, flow);
  try {
    await session.start();
  } catch (error) {
    await session.close();
    throw error;
  }
  return session;
}
