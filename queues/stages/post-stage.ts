import {
  openPostingSession,
  type PostInvoice,
  type PostResult,
  type PostingSession,
} from '../../bots/post/index.ts';
import { readSecret } from '../../config/load.ts';
import { appendAudit } from '../../runner/audit.ts';
import { errorCodeOf, isRetryable, messageOf, SystemError } from '../../runner/errors.ts';
import { plainFields } from '../../runner/invoice.ts';
import { type CaseRecord, setCaseState } from '../../runner/store/cases.ts';
import { ensurePosting, updatePosting } from '../../runner/store/postings.ts';
import { type StepRow, saveSteps } from '../../runner/store/steps.ts';
import type { StagePayload } from '../names.ts';
import { evidenceDirFor, type Runtime } from '../runtime.ts';
import { requireCase } from './extract-stage.ts';

const sessions = new WeakMap<Runtime, Promise<PostingSession>>();
const SESSION_ENDING = new Set(['BROWSER_FAILED', 'TARGET_LOGIN_FAILED']);

/**
 * Enters an approved case into the target system, exactly once. The ledger row is marked
 * `submitting` before the bot starts; the bot itself first searches the target for the vendor
 * and invoice number, so a retry after a crash or a lost response finds the earlier entry
 * instead of typing it again.
 */
export async function runPostStage(rt: Runtime, payload: StagePayload): Promise<void> {
  const c = await requireCase(rt, payload.caseId);
  if (c.state !== 'approved' && c.state !== 'posting') return;
  if (!hasTarget(rt)) {
    // A decision taken from a CLI without targets (an operator's laptop next to the embedded
    // data): the case stays approved, and the next `rpa run`, `rpa worker` or demo posts it.
    rt.logger.info('Approved case waits for a process with a posting target', {
      caseId: c.id,
    });
    return;
  }
  const targetName = targetNameOf(rt);
  const posting = await ensurePosting(rt.db, c.id, targetName, idempotencyKeyOf(c));
  if (posting.state === 'posted') {
    await setCaseState(rt.db, c.id, 'posted');
    return;
  }
  if (rt.config.post.shadow) return shadowPost(rt, c, payload);
  await rt.db.transaction(async (tx) => {
    await updatePosting(tx, c.id, { state: 'submitting' }, true);
    await setCaseState(tx, c.id, 'posting');
  });
  const result = await postWithLedger(rt, c, payload);
  await rt.db.transaction(async (tx) => {
    await saveSteps(tx, stepRows(c.id, payload.runId, result.steps));
    await updatePosting(tx, c.id, { state: 'posted', erpDocumentNumber: result.erpDocumentNumber });
    await setCaseState(tx, c.id, 'posted');
    await appendAudit(tx, {
      runId: payload.runId,
      caseId: c.id,
      actor: `bot:post-${targetName}`,
      action: 'case.posted',
      data: {
        target: targetName,
        erpDocumentNumber: result.erpDocumentNumber,
        alreadyPosted: result.alreadyPosted,
        release: result.release,
        evidenceDir: evidenceDirFor(rt.config, payload.runId, c.id),
      },
    });
  });
  rt.logger.info(result.alreadyPosted ? 'Invoice found already posted' : 'Invoice posted', {
    runId: payload.runId,
    caseId: c.id,
    erp: targetName,
    invoiceNumber: c.invoiceNumber ?? undefined,
    erpDocumentNumber: result.erpDocumentNumber ?? undefined,
  });
}

/**
 * Shadow mode (P6): the bot fills and photographs every field but never saves. The ledger says
 * `shadow` and the case stays approved, so a later live run posts it for real. The audit action
 * is `case.shadow-run`, a name nobody reads as a posting; status and the demo show such cases
 * as "shadow run, not posted" and do not count them as touchless.
 */
async function shadowPost(rt: Runtime, c: CaseRecord, payload: StagePayload): Promise<void> {
  const result = await postWithLedger(rt, c, payload, true);
  const targetName = targetNameOf(rt);
  await rt.db.transaction(async (tx) => {
    await saveSteps(tx, stepRows(c.id, payload.runId, result.steps));
    await updatePosting(tx, c.id, { state: 'shadow' });
    await appendAudit(tx, {
      runId: payload.runId,
      caseId: c.id,
      actor: `bot:post-${targetName}`,
      action: 'case.shadow-run',
      data: {
        target: targetName,
        release: result.release,
        alreadyPosted: result.alreadyPosted,
        erpDocumentNumber: result.erpDocumentNumber,
        evidenceDir: evidenceDirFor(rt.config, payload.runId, c.id),
      },
    });
  });
  rt.logger.info('Invoice filled in shadow mode, not saved', {
    runId: payload.runId,
    caseId: c.id,
    erp: targetName,
  });
}

async function postWithLedger(rt: Runtime, c: CaseRecord, payload: StagePayload, shadow = false) {
  const session = await sessionFor(rt);
  try {
    return await session.post({
      caseId: c.id,
      runId: payload.runId,
      invoice: postInvoiceOf(c),
      originalPath: c.storedPath,
      evidenceDir: evidenceDirFor(rt.config, payload.runId, c.id),
      shadow,
    });
  } catch (error) {
    const steps = (error as { details?: { steps?: PostResult['steps'] } }).details?.steps ?? [];
    await saveSteps(rt.db, stepRows(c.id, payload.runId, steps));
    const state = isRetryable(error) ? 'unknown' : 'rejected';
    await updatePosting(rt.db, c.id, {
      state,
      lastError: `${errorCodeOf(error)}: ${messageOf(error)}`,
    });
    // A new browser for a dead one; a new session (the secret read again) after a refused
    // login, so that a password mended in its secret file is used by the next attempt.
    if (SESSION_ENDING.has(errorCodeOf(error))) forgetSession(rt);
    throw error;
  }
}

function sessionFor(rt: Runtime): Promise<PostingSession> {
  const existing = sessions.get(rt);
  if (existing) return existing;
  const name = targetNameOf(rt);
  const target = rt.config.targets[name]!;
  const session = openPostingSession({
    system: target.system,
    baseUrl: target.baseUrl,
    user: target.user,
    password: readSecret(target.password),
    release: target.release,
    browser: rt.config.browser,
    logger: rt.logger.child({ bot: `post-${target.system}`, erp: name }),
  });
  sessions.set(rt, session);
  rt.closers.push(async () => (await session).close());
  session.catch(() => forgetSession(rt));
  return session;
}

function forgetSession(rt: Runtime): void {
  const session = sessions.get(rt);
  sessions.delete(rt);
  void session?.then((s) => s.close()).catch(() => {});
}

function hasTarget(rt: Runtime): boolean {
  return Object.keys(rt.config.targets).length > 0;
}

function targetNameOf(rt: Runtime): string {
  const name = rt.config.postTo ?? Object.keys(rt.config.targets)[0];
  if (!name || !rt.config.targets[name]) {
    throw new SystemError('CONFIG_INVALID', 'No posting target configured (targets / postTo)');
  }
  return name;
}

/**
 * Document kind, vendor (VAT id, else name) and normalised invoice number: one ERP entry per
 * document. The kind is part of it because vendors number credit notes in the same series.
 */
function idempotencyKeyOf(c: CaseRecord): string {
  const identity = c.duplicateKey ?? `${c.sellerName ?? '?'}|${c.invoiceNumber ?? c.sha256}`;
  return `${c.documentKind ?? 'invoice'}|${identity}`;
}

function postInvoiceOf(c: CaseRecord): PostInvoice {
  const f = plainFields(c.extraction!.fields) as Record<string, string>;
  return {
    ...f,
    seller_name: f.seller_name ?? '',
    invoice_number: f.invoice_number ?? '',
    issue_date: f.issue_date ?? '',
    currency: f.currency ?? '',
    net_total: f.net_total ?? '',
    tax_total: f.tax_total ?? '',
    gross_total: f.gross_total ?? '',
  } as PostInvoice;
}

function stepRows(caseId: string, runId: string, steps: PostResult['steps']): StepRow[] {
  return steps.map((s) => ({ ...s, caseId, runId, bot: 'post' }));
}
