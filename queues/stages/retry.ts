import { appendAudit, listAudit } from '../../runner/audit.ts';
import { BusinessError } from '../../runner/errors.ts';
import { type CaseState, getCase, setCaseState } from '../../runner/store/cases.ts';
import { STAGES, type Stage } from '../names.ts';
import type { Runtime } from '../runtime.ts';

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
 * @throws BusinessError CASE_NOT_FOUND, or CASE_STATE_CONFLICT when the case has not failed.
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
  const stage = await failedStage(rt, caseId);
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
