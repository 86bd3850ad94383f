import { type RouteDecision, routeCase } from '../../bots/route/index.ts';
import { findVendor } from '../../bots/validate/index.ts';
import { appendAudit } from '../../runner/audit.ts';
import { type CaseRecord, setCaseState } from '../../runner/store/cases.ts';
import { listChecks } from '../../runner/store/checks.ts';
import { startApproval } from '../../runner/store/decisions.ts';
import { loadMasterData } from '../../runner/store/master-data.ts';
import { openCaseException, scheduleEscalation } from '../escalation.ts';
import type { StagePayload } from '../names.ts';
import type { Runtime } from '../runtime.ts';
import { requireCase } from './extract-stage.ts';
import { approvalDeadlineAt, policyOf } from './policy-of.ts';

/**
 * Decides where a validated case goes. With a policy file: straight to posting when its
 * auto-approval conditions hold, to the approval chain of the narrowest rule, or to an
 * exception. Without one, a plain invoice that passed every check is approved by the runner
 * (touchless) and anything else waits for a person.
 */
export async function runRouteStage(rt: Runtime, payload: StagePayload): Promise<void> {
  const c = await requireCase(rt, payload.caseId);
  if (c.state !== 'validated') {
    if (c.state === 'approved') await rt.queue.enqueue('post', payload);
    return;
  }
  const decision = await decide(rt, c);
  if (decision.outcome === 'exception') {
    const code = decision.exception!.code;
    const opened = await rt.db.transaction(async (tx) => {
      await setCaseState(tx, c.id, 'held', { code, reason: decision.reason });
      await audit(tx, payload, 'case.held', decision);
      return openCaseException(rt, tx, c.id, [code], payload.runId);
    });
    await scheduleEscalation(rt, c.id, opened.deadlineAt);
    return;
  }
  const isAuto = decision.outcome === 'auto-approve';
  await rt.db.transaction(async (tx) => {
    await setCaseState(tx, c.id, isAuto ? 'approved' : 'awaiting-approval');
    if (!isAuto) {
      const deadlineAt = approvalDeadlineAt(rt);
      await startApproval(tx, c.id, decision.chain!, decision.policyVersion, deadlineAt);
    }
    await audit(tx, payload, isAuto ? 'case.approved' : 'case.awaiting-approval', decision);
  });
  if (isAuto) await rt.queue.enqueue('post', payload);
}

/**
 * The routing decision for a case from its stored checks; `ignoreHolds` routes it by amount
 * and scope alone, for a person overriding a hold.
 */
export async function decide(
  rt: Runtime,
  c: CaseRecord,
  ignoreHolds = false,
): Promise<RouteDecision> {
  const policy = policyOf(rt);
  if (!policy) return decideWithoutPolicy(c);
  const master = await loadMasterData(rt.db);
  const fields = c.extraction!.fields;
  const vendor = findVendor(fields, master.vendors)?.vendor;
  const order = master.purchaseOrders.find((po) => po.number === fields.order_reference?.value);
  return routeCase(policy, {
    checks: ignoreHolds ? [] : await listChecks(rt.db, c.id),
    fields,
    documentKind: c.documentKind ?? 'invoice',
    vendorClass: vendor?.vendorClass,
    entity: order?.entity,
    costCentre: order?.costCentre,
    at: new Date().toISOString().slice(0, 10),
  });
}

/** Today's rule without a policy: every check passed (or the case would not be here). */
function decideWithoutPolicy(c: CaseRecord): RouteDecision {
  if (c.documentKind === 'invoice')
    return {
      outcome: 'auto-approve',
      reason: 'auto-approve: every check passed',
      policyVersion: 'none',
    };
  // The fixture ERP's flow enters invoices, so a credit note must reach a person rather than be
  // typed in as one.
  return {
    outcome: 'exception',
    exception: {
      code: 'APPROVAL_REQUIRED',
      owner: 'unassigned',
      deadlineHours: 24,
      escalateTo: [],
    },
    reason: `${c.documentKind} ${c.invoiceNumber ?? ''} needs a person's approval`,
    policyVersion: 'none',
  };
}

function audit(
  tx: Parameters<typeof appendAudit>[0],
  payload: StagePayload,
  action: string,
  d: RouteDecision,
) {
  return appendAudit(tx, {
    runId: payload.runId,
    caseId: payload.caseId,
    actor: 'bot:route',
    action,
    data: { rule: d.reason, outcome: d.outcome, chain: d.chain, policyVersion: d.policyVersion },
  });
}
