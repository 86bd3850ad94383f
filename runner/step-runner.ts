import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { RpaError, SystemError } from './errors.ts';
import type { Logger } from './logger.ts';
import { pageHtml } from './page-html.ts';
import { quickScreenshot } from './quick-screenshot.ts';

/** What happened in one step, kept as evidence for the auditor. */
export interface StepRecord {
  step: string;
  status: 'ok' | 'failed';
  /**
   * Full-page PNG taken after the step (also after a failure), masked fields covered. A step
   * that only read the page shares the shot of the step before it: the screen it read.
   */
  screenshotPath?: string;
  /** The page's HTML with its frames' documents inlined, saved only when the step failed. */
  htmlPath?: string;
  /** ISO timestamp, UTC. */
  startedAt: string;
  durationMs: number;
  errorCode?: string;
  message?: string;
}

export interface StepRunnerOptions {
  page: Page;
  /** Evidence lands here as `<NN>-<step>.png` / `.html`; created when missing. */
  evidenceDir: string;
  logger: Logger;
  /** Elements painted over in every screenshot (secrets, personal data). Read per shot. */
  mask?: () => Locator[];
  /** Take a screenshot after each step. Default true; failures are photographed regardless. */
  screenshots?: boolean;
  /** Upper bound for one screenshot, in ms. Default 10 000. */
  screenshotTimeoutMs?: number;
}

/** A named step of a bot. Returning `stop` ends the list early (e.g. already posted). */
export interface Step<C> {
  name: string;
  run(ctx: C): Promise<'stop' | undefined>;
  /** The step only reads the page (no click, no typing): see {@link StepRunOptions}. */
  readsOnly?: boolean;
}

export interface StepRunOptions {
  /**
   * The action only reads the page, so the screen after it is the screen before it: it gets
   * the previous step's screenshot instead of a new one. A failure is photographed anyway.
   */
  readsOnly?: boolean;
}

/**
 * Runs bot steps one by one, timing each and leaving a screenshot after it. A failed step
 * leaves a screenshot and the page's HTML, and its error is rethrown unchanged (or wrapped
 * as a SystemError when it is not one of ours); capturing evidence never hides the real error.
 */
export class StepRunner {
  readonly records: StepRecord[] = [];

  constructor(private readonly opts: StepRunnerOptions) {
    mkdirSync(opts.evidenceDir, { recursive: true });
  }

  async run<T>(step: string, action: () => Promise<T>, options: StepRunOptions = {}): Promise<T> {
    const startedAt = new Date();
    const base = `${String(this.records.length + 1).padStart(2, '0')}-${step}`;
    const log = this.opts.logger.child({ step });
    log.debug('step started');
    try {
      const result = await action();
      const before = this.records.at(-1)?.screenshotPath;
      const record = this.record(step, 'ok', startedAt);
      if (options.readsOnly && before) record.screenshotPath = before;
      else if (this.opts.screenshots !== false) record.screenshotPath = await this.shoot(base, log);
      log.debug('step finished', { durationMs: record.durationMs });
      return result;
    } catch (thrown) {
      const error = asRpaError(thrown, step);
      const record = this.record(step, 'failed', startedAt);
      record.errorCode = error.code;
      record.message = error.message;
      record.screenshotPath = await this.shoot(base, log);
      record.htmlPath = await this.saveHtml(base, log);
      log.warn('step failed', { code: error.code, durationMs: record.durationMs });
      throw error;
    }
  }

  private record(step: string, status: StepRecord['status'], startedAt: Date): StepRecord {
    const record: StepRecord = {
      step,
      status,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
    };
    this.records.push(record);
    return record;
  }

  private async shoot(base: string, log: Logger): Promise<string | undefined> {
    const file = path.join(this.opts.evidenceDir, `${base}.png`);
    const timeoutMs = this.opts.screenshotTimeoutMs ?? 10_000;
    try {
      const mask = this.opts.mask?.() ?? [];
      const fast = await withTimeout(
        quickScreenshot(this.opts.page, mask),
        timeoutMs,
        'screenshot',
      );
      if (fast) writeFileSync(file, fast);
      else
        await this.opts.page.screenshot({ path: file, fullPage: true, mask, timeout: timeoutMs });
      return file;
    } catch (error) {
      log.warn('screenshot failed', { error: messageOfUnknown(error) });
      return undefined;
    }
  }

  private async saveHtml(base: string, log: Logger): Promise<string | undefined> {
    const file = path.join(this.opts.evidenceDir, `${base}.html`);
    try {
      const html = await withTimeout(
        pageHtml(this.opts.page),
        this.opts.screenshotTimeoutMs ?? 10_000,
        'page snapshot',
      );
      writeFileSync(file, html);
      return file;
    } catch (error) {
      log.warn('page snapshot failed', { error: messageOfUnknown(error) });
      return undefined;
    }
  }
}

/** Runs `steps` in order on one runner; stops early when a step returns `stop`. */
export async function runSteps<C>(
  steps: ReadonlyArray<Step<C>>,
  ctx: C,
  runner: StepRunner,
): Promise<StepRecord[]> {
  for (const step of steps) {
    const options = { readsOnly: step.readsOnly === true };
    if ((await runner.run(step.name, () => step.run(ctx), options)) === 'stop') break;
  }
  return runner.records;
}

/**
 * Our errors pass through; a Playwright timeout means the target did not answer in time, and
 * anything else from the browser is a browser fault. Both keep the original as `cause`.
 */
export function asRpaError(error: unknown, step: string): RpaError {
  if (error instanceof RpaError) return error;
  const message = `step ${step}: ${messageOfUnknown(error)}`;
  const isTimeout = error instanceof Error && error.name === 'TimeoutError';
  return new SystemError(isTimeout ? 'TARGET_UNAVAILABLE' : 'BROWSER_FAILED', message, {
    cause: error,
    details: { step },
  });
}

/** Reading the page's HTML has no timeout of its own and waits out a navigation that never ends. */
function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${timeoutMs} ms`)), timeoutMs);
  });
  work.catch(() => {});
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

function messageOfUnknown(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}
