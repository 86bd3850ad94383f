import { appendAudit } from '../../runner/audit.ts';
import { setCaseState } from '../../runner/store/cases.ts';
import type { StagePayload } from '../names.ts';
import type { Runtime } from '../runtime.ts';
import { requireCase } from './extract-stage.ts';

/**
 * Decides who must approve a validated case. This slice's policy: a case that passed every
 * check is approved by the runner itself (touchless) and goes on to posting.
 * TODO: approval chains and exceptions from the policy file (config/examples/policy.yaml, via
 * bots/route); when they land this stage asks `routeCase` instead of approving everything.
 */
export async function runRouteStage(rt: Runtime, payload: StagePayload): Promise<void> {
  const c = await requireCase(rt, payload.caseId);
  if (c.state !== 'validated') {
    if (c.state === 'approved') await rt.queue.enqueue('post', payload);
    return;
  }
  if (c.documentKind !== 'invoice') {
    // Without a policy file only plain invoices go through untouched; the fixture ERP's flow
    // enters invoices, so a credit note must reach a person rather than be typed in as one.
    const reason = `${c.documentKind} ${c.invoiceNumber ?? ''} needs a person's approval`;
    await rt.db.transaction(async (tx) => {
      await setCaseState(tx, c.id, 'held', { code: 'APPROVAL_REQUIRED', reason });
      await appendAudit(tx, {
        runId: payload.runId,
        caseId: c.id,
        actor: 'bot:route',
        action: 'case.held',
        data: { code: 'APPROVAL_REQUIRED', reason },
      });
    });
    return;
  }
  await rt.db.transaction(async (tx) => {
    await setCaseState(tx, c.id, 'approved');
    await appendAudit(tx, {
      runId: payload.runId,
      caseId: c.id,
      actor: 'bot:route',
      action: 'case.approved',
      data: { rule: 'auto-approve: every check passed' },
    });
  });
  await rt.queue.enqueue('post', payload);
}
