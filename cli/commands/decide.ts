import { pipelineHandlers } from '../../queues/pipeline.ts';
import { type Runtime, shutdown } from '../../queues/runtime.ts';
import { approveCase, assignCase, correctCase, rejectCase } from '../../queues/stages/decide.ts';
import { retryFailedCase } from '../../queues/stages/retry.ts';
import { BusinessError } from '../../runner/errors.ts';
import { getCase } from '../../runner/store/cases.ts';
import { configFrom, type GlobalOptions, openRuntime } from '../open-runtime.ts';
import { maskIbansIn } from '../iban-display.ts';

export interface DecisionOptions extends GlobalOptions {
  /** The acting user; default $RPA_USER. */
  as?: string;
}

/**
 * Runs one decision with the pipeline started, then lets the queues run dry: an approved case
 * is posted and a corrected one re-checked before the command returns, as `rpa ingest` does.
 */
async function withDecision(
  options: DecisionOptions,
  command: string,
  caseId: string,
  act: (rt: Runtime, user: string) => Promise<void>,
): Promise<void> {
  const user = options.as ?? process.env.RPA_USER;
  if (!user)
    throw new BusinessError('INVALID_ARGUMENT', 'Name the acting user with --as USER or RPA_USER');
  const rt = await openRuntime(configFrom(options), command, { create: false });
  try {
    await rt.queue.start(pipelineHandlers(rt));
    await act(rt, user);
    await rt.queue.waitUntilIdle();
    const c = await getCase(rt.db, caseId);
    const hold = c?.holdCode ? ` ${c.holdCode}: ${maskIbansIn(String(c.holdReason))}` : '';
    console.log(`${caseId} ${c?.state}${hold}`);
  } finally {
    await shutdown(rt);
  }
}

/** `rpa approve CASE`. */
export function approveCommand(caseId: string, options: DecisionOptions): Promise<void> {
  return withDecision(options, 'approve', caseId, async (rt, user) => {
    await approveCase(rt, caseId, user);
  });
}

/** `rpa reject CASE --reason TEXT`. */
export function rejectCommand(
  caseId: string,
  options: DecisionOptions & { reason: string },
): Promise<void> {
  return withDecision(options, 'reject', caseId, (rt, user) =>
    rejectCase(rt, caseId, user, options.reason),
  );
}

/** `rpa correct CASE FIELD=VALUE...`. */
export function correctCommand(
  caseId: string,
  assignments: string[],
  options: DecisionOptions,
): Promise<void> {
  const values: Record<string, string> = {};
  for (const assignment of assignments) {
    const at = assignment.indexOf('=');
    if (at < 1) throw new BusinessError('INVALID_ARGUMENT', `"${assignment}" is not FIELD=VALUE`);
    values[assignment.slice(0, at)] = assignment.slice(at + 1);
  }
  return withDecision(options, 'correct', caseId, (rt, user) =>
    correctCase(rt, caseId, user, values),
  );
}

/** `rpa assign CASE USER`. */
export function assignCommand(caseId: string, to: string, options: DecisionOptions) {
  return withDecision(options, 'assign', caseId, (rt, user) => assignCase(rt, caseId, user, to));
}

/** `rpa retry CASE`: a failed case back to the stage it failed in, once the cause is mended. */
export function retryCommand(caseId: string, options: DecisionOptions) {
  return withDecision(options, 'retry', caseId, async (rt, user) => {
    await retryFailedCase(rt, caseId, user);
  });
}
