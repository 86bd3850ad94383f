import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../../runner/browser.ts';
import { maskForEvidence } from '../../runner/evidence-mask.ts';
import { errorCodeOf, messageOf, RpaError, SystemError } from '../../runner/errors.ts';
import type { Logger } from '../../runner/logger.ts';
import { detectRelease, loadSelectorMap, Selectors } from '../../runner/selectors.ts';
import { runSteps, StepRunner } from '../../runner/step-runner.ts';
import { openPage } from './page-actions.ts';
import type {
  OpenPostingSessionOptions,
  PostContext,
  PostingFlow,
  PostingSession,
  PostRequest,
  PostResult,
  SessionContext,
} from './types.ts';

/**
 * One browser for many invoices: launched once, its page reused, relaunched when it died.
 * A session the ERP ended is logged into again once per posting; any other fault goes to the
 * caller's retry policy with the steps recorded so far.
 */
export class BrowserPostingSession implements PostingSession {
  private browser: Browser | null = null;
  private page: Page | null = null;
  private selectors: Selectors | null = null;
  private readonly logger: Logger;
  /** One page, so one posting at a time: callers that overlap wait their turn. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly opts: OpenPostingSessionOptions,
    private readonly flow: PostingFlow,
  ) {
    this.logger = opts.logger.child({ bot: 'post', erp: opts.system });
  }

  /** Launches the browser, opens the ERP and loads the selector map of its release. */
  async start(): Promise<void> {
    const page = await this.ensurePage();
    const { system, release, selectorsDir } = this.opts;
    let resolved = release;
    if (release === 'auto') {
      await openPage(page, this.opts.baseUrl, this.opts.browser.stepTimeoutMs);
      resolved = await detectRelease(page, system, selectorsDir);
    }
    const map = loadSelectorMap(system, resolved, selectorsDir);
    this.selectors = new Selectors(map, this.logger, this.opts.browser.stepTimeoutMs);
    this.selectors.require(this.flow.requiredElements);
    this.logger.info('posting session opened', { selectorMapVersion: this.selectors.version });
  }

  post(req: PostRequest): Promise<PostResult> {
    return this.inTurn(() => this.postNow(req));
  }

  findPosted(vendor: string, invoiceNumber: string): Promise<string | null> {
    return this.inTurn(async () => {
      const page = await this.ensurePage();
      return this.flow.findPosted(this.sessionContext(page, this.logger), vendor, invoiceNumber);
    });
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const next = this.turn.then(work, work);
    this.turn = next.catch(() => {});
    return next;
  }

  private async postNow(req: PostRequest): Promise<PostResult> {
    const logger = this.logger.child({
      caseId: req.caseId,
      runId: req.runId,
      invoiceNumber: req.invoice.invoice_number,
      vendor: req.invoice.seller_name,
    });
    const page = await this.ensurePage();
    const selectors = this.requireSelectors();
    const runner = new StepRunner({
      page,
      evidenceDir: req.evidenceDir,
      logger,
      mask: await maskForEvidence(page, selectors),
    });
    const steps = this.flow.steps(req.shadow === true);
    const trace = await startTrace(page, this.opts.browser.trace === true, req.evidenceDir, logger);
    const ctx: PostContext = {
      ...this.sessionContext(page, logger),
      offTheRecord: trace.paused,
      request: req,
      outcome: { erpDocumentNumber: null, alreadyPosted: false },
    };
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await runSteps(steps, ctx, runner);
          break;
        } catch (error) {
          if (errorCodeOf(error) === 'SESSION_EXPIRED' && attempt === 1) {
            logger.warn('session expired; logging in again', { attempt });
            continue;
          }
          throw withSteps(error, runner);
        }
      }
    } finally {
      await trace.stop();
    }
    // The post stage logs the posting for operators, with its ledger outcome.
    logger.debug(ctx.outcome.alreadyPosted ? 'bot found the invoice posted' : 'bot posted', {
      erpDocumentNumber: ctx.outcome.erpDocumentNumber ?? undefined,
    });
    return { ...ctx.outcome, release: selectors.map.release, steps: runner.records };
  }

  async close(): Promise<void> {
    const browser = this.browser;
    this.browser = null;
    this.page = null;
    await browser?.close();
  }

  private sessionContext(page: Page, logger: Logger): SessionContext {
    return {
      page,
      selectors: this.requireSelectors(),
      baseUrl: this.opts.baseUrl,
      user: this.opts.user,
      password: this.opts.password,
      timeoutMs: this.opts.browser.stepTimeoutMs,
      logger,
    };
  }

  private requireSelectors(): Selectors {
    if (!this.selectors) throw new SystemError('BROWSER_FAILED', 'posting session not started');
    return this.selectors;
  }

  /** The session's page; a crashed or closed browser is replaced by a new one. */
  private async ensurePage(): Promise<Page> {
    if (this.browser?.isConnected() && this.page && !this.page.isClosed()) return this.page;
    if (this.browser) this.logger.warn('browser lost; starting a new one');
    await this.browser?.close().catch(() => {});
    this.browser = await launchBrowser(this.opts.browser);
    const context = await this.browser.newContext({ viewport: { width: 1280, height: 900 } });
    this.page = await context.newPage();
    this.page.setDefaultTimeout(this.opts.browser.stepTimeoutMs);
    return this.page;
  }
}

/**
 * A Playwright trace of one posting (every action, DOM snapshot and network call), for the
 * hard cases screenshots cannot explain. Tracing stops while the bot signs in and starts
 * afresh after, since a trace keeps typed values and request bodies (a paused trace chunk
 * would still carry the sign-in's network entries): the part before a sign-in is saved as
 * `trace.zip`, each part after one as `trace-2.zip`, `trace-3.zip` and so on. Tracing
 * problems are logged, never fail a posting.
 */
async function startTrace(page: Page, enabled: boolean, dir: string, logger: Logger) {
  const tracing = page.context().tracing;
  let recording = false;
  let parts = 0;
  const nextFile = () => path.join(dir, ++parts === 1 ? 'trace.zip' : `trace-${parts}.zip`);
  const warn = (what: string) => (error: unknown) => logger.warn(what, { error: messageOf(error) });
  const start = async () => {
    try {
      await tracing.start({ screenshots: true, snapshots: true });
      recording = true;
    } catch (error) {
      warn('trace not started')(error);
    }
  };
  if (enabled) await start();
  return {
    paused: async <T>(work: () => Promise<T>): Promise<T> => {
      if (!recording) return work();
      recording = false;
      try {
        await tracing.stop({ path: nextFile() });
      } catch (error) {
        warn('trace not saved')(error);
        // The secret is not typed while a trace might still run: this throws when tracing
        // cannot be stopped at all.
        await tracing.stop();
      }
      try {
        return await work();
      } finally {
        await start();
      }
    },
    stop: async () => {
      if (!recording) return;
      recording = false;
      await tracing.stop({ path: nextFile() }).catch(warn('trace not saved'));
    },
  };
}

/** The caller decides retries; the steps so far (with their evidence) travel on the error. */
function withSteps(error: unknown, runner: StepRunner): unknown {
  if (error instanceof RpaError) error.details.steps = runner.records;
  return error;
}
