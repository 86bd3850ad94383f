import { type CheckResult, validateInvoice } from '../../bots/validate/index.ts';
import { appendAudit } from '../../runner/audit.ts';
import { setCaseState } from '../../runner/store/cases.ts';
import { replaceChecks } from '../../runner/store/checks.ts';
import { exceptionRouteFor, openCaseException, scheduleEscalation } from '../escalation.ts';
import type { StagePayload } from '../names.ts';
import type { Runtime } from '../runtime.ts';
import { requireCase } from './extract-stage.ts';
import { buildValidationInput } from './validation-context.ts';

/**
 * Runs every rule on an extracted case and stores each verdict with its evidence and the
 * rules version. All pass: the case goes on to routing. Any hold: the case waits for a person,
 * with an exception (owner and deadline from the policy) opened in the same transaction.
 */
export async function runValidateStage(rt: Runtime, payload: StagePayload): Promise<void> {
  const c = await requireCase(rt, payload.caseId);
  if (c.state !== 'extracted') {
    if (c.state === 'validated') await rt.queue.enqueue('route', payload);
    return;
  }
  const input = await buildValidationInput(rt, c);
  const checks = validateInvoice(input);
  const holds = checks.filter((check) => check.result === 'hold');
  const leading = leadingHold(rt, holds);
  const opened = await rt.db.transaction(async (tx) => {
    await replaceChecks(tx, c.id, checks);
    await setCaseState(
      tx,
      c.id,
      leading ? 'held' : 'validated',
      leading && { code: leading.code, reason: leading.reason },
    );
    await appendAudit(tx, {
      runId: payload.runId,
      caseId: c.id,
      actor: 'bot:validate',
      action: leading ? 'case.held' : 'case.validated',
      data: {
        holds: holds.map((k) => ({ code: k.code, reason: k.reason })),
        passed: checks.filter((k) => k.result === 'pass').map((k) => k.rule),
        rulesVersion: input.rulesVersion,
      },
    });
    if (!leading) return null;
    return openCaseException(rt, tx, c.id, [leading.code], payload.runId);
  });
  if (opened) {
    await scheduleEscalation(rt, c.id, opened.deadlineAt);
    rt.logger.info('Case held', { runId: payload.runId, caseId: c.id, code: opened.code });
    return;
  }
  await rt.queue.enqueue('route', payload);
}

/**
 * The hold a case is shown with: the one its exception is opened for, which is the code the
 * policy ranks highest (rule order decides only among codes the policy does not list).
 */
function leadingHold(rt: Runtime, holds: CheckResult[]): CheckResult | undefined {
  if (holds.length === 0) return undefined;
  const codes = holds.map((h) => h.code);
  const { code } = exceptionRouteFor(rt, codes);
  return holds.find((h) => h.code === code) ?? holds[0];
}
