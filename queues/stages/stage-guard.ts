import { appendAudit } from '../../runner/audit.ts';
import {
  errorCodeOf,
  isRetryable,
  isWorthRetrying,
  markFinal,
  messageOf,
  type RpaError,
} from '../../runner/errors.ts';
import { getCase, setCaseState } from '../../runner/store/cases.ts';
import { openCaseException, scheduleEscalation } from '../escalation.ts';
import type { Stage, StageHandler, StagePayload, AttemptInfo } from '../names.ts';
import type { Runtime } from '../runtime.ts';

export type GuardedWork = (payload: StagePayload, attempt: AttemptInfo) => Promise<void>;

/**
 * Wraps a stage's work with the runner's failure policy, so stages contain only their own
 * logic. A business error holds the case for a person with its code and message, and opens its
 * exception (owner and deadline from the policy) as a hold by a check would. A system
 * error is retried by the queue; on the last attempt the case is marked failed (the dead
 * letter) with the history of attempts. Either way an audit event says what happened.
 */
export function guardStage(rt: Runtime, stage: Stage, work: GuardedWork): StageHandler {
  return async (payload, attempt) => {
    const log = rt.logger.child({ runId: payload.runId, caseId: payload.caseId, queue: stage });
    const startedMs = Date.now();
    try {
      log.debug('Stage started', { attempt: attempt.attempt });
      await work(payload, attempt);
      log.debug('Stage finished', { durationMs: Date.now() - startedMs });
    } catch (error) {
      const code = errorCodeOf(error);
      const message = messageOf(error);
      const isFinal = !isWorthRetrying(error) || attempt.attempt >= attempt.maxAttempts;
      if (!isFinal) {
        log.warn('Stage attempt failed; will retry', {
          attempt: attempt.attempt,
          code,
          error: message,
        });
        throw error;
      }
      await recordFinalFailure(rt, stage, payload, error, attempt);
      // A business refusal is the process working: the case waits for a person. Only a fault
      // that used up its attempts is an error for the operator.
      if (isRetryable(error))
        log.error('Stage failed', { attempt: attempt.attempt, code, error: message });
      else log.warn('Case held for a person', { code, error: message });
      markFinal(error);
      throw error;
    }
  };
}

async function recordFinalFailure(
  rt: Runtime,
  stage: Stage,
  payload: StagePayload,
  error: unknown,
  attempt: AttemptInfo,
): Promise<void> {
  const code = errorCodeOf(error);
  const reason = messageOf(error);
  const state = isRetryable(error) ? 'failed' : 'held';
  const history = (error as Partial<RpaError>).attempts ?? [];
  const opened = await rt.db.transaction(async (tx) => {
    await setCaseState(tx, payload.caseId, state, { code, reason });
    await appendAudit(tx, {
      runId: payload.runId,
      caseId: payload.caseId,
      actor: `bot:${stage}`,
      action: state === 'held' ? 'case.held' : 'case.failed',
      data: { stage, code, reason, attempts: attempt.attempt, history },
    });
    // An unreadable file or a refusal by the ERP needs an owner and a deadline as much as a failed
    // check does; without them it waited unassigned until an escalation sweep came by.
    if (state !== 'held' || !(await getCase(tx, payload.caseId))) return null;
    return openCaseException(rt, tx, payload.caseId, [code], payload.runId);
  });
  if (opened) await scheduleEscalation(rt, payload.caseId, opened.deadlineAt);
}
