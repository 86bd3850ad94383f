import { canAct } from '../../bots/route/index.ts';
import { appendAudit, listAudit } from '../../runner/audit.ts';
import { BusinessError } from '../../runner/errors.ts';
import { type CaseState, getCase, setCaseState } from '../../runner/store/cases.ts';
import { STAGES, type Stage } from '../names.ts';
import type { Runtime } from '../runtime.ts';
import { historyOf, refuse } from './decide.ts';
import { rolesOf } from './policy-of.ts';

/** The state a case is in while it waits for each stage. */
const STATE_BEFORE: Record<Stage, CaseState> = {
  extract: 'received',
  validate: 'extracted',
  route: 'validated',
  post: 'approved',
};

/**
 * Puts a failed case (a system fault that outlasted its retries: ERP down, a secret not set)
 * back on the queue of the stage it failed in, once the cause is mended. Posting again is safe:
 * the posting ledger and the search in the ERP come first. Recorded with who asked.
 *
 * The acting user must be in the user directory. Retrying a posting sends the case into the
 * ERP, so it needs what posting needs (the poster role, and not having approved, created or
 * corrected the case: {@link canAct}); retrying an earlier stage needs a clerk or an admin, as
 * correcting does. A refusal is audited as approvals' refusals are; an unknown user is not.
 *
 * @throws BusinessError CASE_NOT_FOUND, CASE_STATE_CONFLICT when the case has not failed,
 *   USER_UNKNOWN, or NOT_AUTHORISED / SOD_VIOLATION naming the rule that refused.
 * @returns the stage the case goes back to.
 */
export async function retryFailedCase(rt: Runtime, caseId: string, user: string): Promise<Stage> {
  const found = await getCase(rt.db, caseId);
  if (!found) throw new BusinessError('CASE_NOT_FOUND', `No case ${caseId}; see rpa status`);
  if (found.state !== 'failed') {
    throw new BusinessError(
      'CASE_STATE_CONFLICT',
      `Case ${caseId} is ${found.state}, not failed: only a failed case is retried`,
    );
  }
  const roles = rolesOf(rt, user);
  const stage = await failedStage(rt, caseId);
  if (stage === 'post') {
    const verdict = canAct(user, 'post', await historyOf(rt, caseId), roles);
    if (!verdict.allowed) await refuse(rt, found, user, 'retry', 'SOD_VIOLATION', verdict.rule!);
  } else if (!roles.some((r) => r === 'clerk' || r === 'admin')) {
    await refuse(rt, found, user, 'retry', 'NOT_AUTHORISED', 'RETRY_NEEDS_CLERK_OR_ADMIN');
  }
  await rt.db.transaction(async (tx) => {
    await setCaseState(tx, caseId, STATE_BEFORE[stage]);
    await appendAudit(tx, {
      runId: rt.runId,
      caseId,
      actor: user,
      action: 'case.retried',
      data: { stage, failedWith: found.holdCode, reason: found.holdReason },
    });
  });
  await rt.queue.enqueue(stage, { caseId, runId: rt.runId });
  return stage;
}

/** The stage named by the case's last `case.failed` event; extraction when none says. */
async function failedStage(rt: Runtime, caseId: string): Promise<Stage> {
  const failed = (await listAudit(rt.db, caseId)).filter((e) => e.action === 'case.failed').at(-1);
  const stage = failed?.data.stage;
  return STAGES.find((s) => s === stage) ?? 'extract';
}
