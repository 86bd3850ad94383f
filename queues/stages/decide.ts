import { canApprove, delegateOf } from '../../bots/route/index.ts';
import { duplicateKey, sellerKey } from '../../bots/validate/index.ts';
import { appendAudit, listAudit } from '../../runner/audit.ts';
import type { ErrorCode } from '../../runner/error-codes.ts';
import { BusinessError } from '../../runner/errors.ts';
import { type Extraction, HEADER_FIELDS, type HeaderField } from '../../runner/invoice.ts';
import {
  type CaseRecord,
  type CaseState,
  saveExtraction,
  setCaseState,
} from '../../runner/store/cases.ts';
import { listChecks } from '../../runner/store/checks.ts';
import type { Db } from '../../runner/store/db.ts';
import {
  clearApproval,
  getApproval,
  recordApprovalStep,
  startApproval,
} from '../../runner/store/decisions.ts';
import { getException, updateException } from '../../runner/store/exceptions.ts';
import type { Runtime } from '../runtime.ts';
import { requireCase } from './extract-stage.ts';
import { approvalDeadlineAt, isMember, policyOf, rolesOf } from './policy-of.ts';
import { decide } from './route-stage.ts';

/** What the deciding person saw: the checks and the header values they judged by. */
export async function evidenceShown(db: Db, c: CaseRecord): Promise<Record<string, unknown>> {
  const checks = await listChecks(db, c.id);
  return {
    checks: checks.map((k) => ({ rule: k.rule, code: k.code, result: k.result })),
    invoiceNumber: c.invoiceNumber,
    seller: c.sellerName,
    grossTotal: c.grossTotal,
    currency: c.currency,
    holdCode: c.holdCode,
  };
}

/**
 * A person approves the next level of a case's chain (or overrides a hold, which starts the
 * chain for its amount). Segregation of duties and chain membership are checked first; a
 * refusal is itself audited. The last level approves the case and hands it to posting.
 *
 * @throws BusinessError SOD_VIOLATION or NOT_AUTHORISED naming the rule that refused.
 */
export async function approveCase(rt: Runtime, caseId: string, user: string): Promise<CaseState> {
  const c = await requireState(rt, caseId, ['awaiting-approval', 'held'], 'approve');
  const verdict = canApprove(user, await historyOf(rt, caseId), rolesOf(rt, user));
  if (!verdict.allowed) await refuse(rt, c, user, 'approve', 'SOD_VIOLATION', verdict.rule!);
  const override = c.state === 'held' ? await overrideChain(rt, c) : null;
  const approval = await getApproval(rt.db, caseId);
  const chain = override?.chain ?? approval?.chain ?? [];
  const level = override ? 0 : (approval?.level ?? 0);
  const policy = policyOf(rt);
  const entry = chain[level];
  const acting = entry && policy ? delegateOf(policy, entry, today()) : entry;
  if (acting && !isMember(rt, user, acting))
    await refuse(rt, c, user, 'approve', 'NOT_AUTHORISED', `NOT_IN_APPROVAL_CHAIN (${acting})`);
  const isFinal = level + 1 >= chain.length;
  const evidence = await evidenceShown(rt.db, c);
  const deadlineAt = approvalDeadlineAt(rt);
  await rt.db.transaction(async (tx) => {
    if (override) await startApproval(tx, caseId, chain, override.policyVersion, deadlineAt);
    if (chain.length > 0)
      await recordApprovalStep(tx, caseId, user, isFinal ? undefined : deadlineAt);
    await setCaseState(tx, caseId, isFinal ? 'approved' : 'awaiting-approval');
    await updateException(tx, caseId, { state: 'resolved' });
    await appendAudit(tx, {
      caseId,
      actor: user,
      action: 'case.approved',
      data: {
        level: level + 1,
        of: chain.length,
        entry: acting,
        isFinal,
        isOverride: !!override,
        evidenceShown: evidence,
      },
    });
  });
  if (isFinal) await rt.queue.enqueue('post', { caseId, runId: rt.runId });
  return isFinal ? 'approved' : 'awaiting-approval';
}

/**
 * Overriding a hold: the owner of the exception signs first (a suspected payment fraud is
 * released by treasury, not by whichever approver comes along), then the chain the amount
 * would have had. No chain without a policy.
 */
async function overrideChain(rt: Runtime, c: CaseRecord) {
  if (!policyOf(rt)) return { chain: [] as string[], policyVersion: 'none' };
  const decision = await decide(rt, c, true);
  const owner = (await getException(rt.db, c.id))?.owner;
  const byAmount = decision.chain ?? [];
  const chain = owner ? [owner, ...byAmount.filter((entry) => entry !== owner)] : byAmount;
  return { chain, policyVersion: decision.policyVersion };
}

/** Who did what to the case, in the vocabulary of the segregation rules (`corrected`, ...). */
export async function historyOf(rt: Runtime, caseId: string) {
  const events = await listAudit(rt.db, caseId);
  return events.map((e) => ({ actor: e.actor, action: e.action.replace(/^case\./, '') }));
}

/**
 * Rejects a case for good: it is never posted. Clerks, approvers, admins and the owner of the
 * case's exception may reject.
 */
export async function rejectCase(rt: Runtime, caseId: string, user: string, reason: string) {
  const c = await requireState(
    rt,
    caseId,
    ['held', 'awaiting-approval', 'validated', 'extracted'],
    'reject',
  );
  const roles = rolesOf(rt, user);
  const owner = (await getException(rt.db, caseId))?.owner;
  const isOwner = owner !== undefined && owner !== null && isMember(rt, user, owner);
  if (!isOwner && !roles.some((r) => r === 'clerk' || r === 'approver' || r === 'admin'))
    await refuse(rt, c, user, 'reject', 'NOT_AUTHORISED', 'REJECT_NEEDS_CLERK_APPROVER_OR_ADMIN');
  const evidence = await evidenceShown(rt.db, c);
  await rt.db.transaction(async (tx) => {
    await setCaseState(tx, caseId, 'rejected', { code: 'REJECTED', reason });
    await updateException(tx, caseId, { state: 'resolved' });
    await clearApproval(tx, caseId);
    await appendAudit(tx, {
      caseId,
      actor: user,
      action: 'case.rejected',
      data: { reason, evidenceShown: evidence },
    });
  });
}

/**
 * Corrects header fields and sends the case back through validation with them; whoever
 * corrects can no longer approve this case (R4).
 */
export async function correctCase(
  rt: Runtime,
  caseId: string,
  user: string,
  values: Record<string, string>,
): Promise<void> {
  const c = await requireState(rt, caseId, ['held', 'awaiting-approval'], 'correct');
  const roles = rolesOf(rt, user);
  if (!roles.some((r) => r === 'clerk' || r === 'admin'))
    await refuse(rt, c, user, 'correct', 'NOT_AUTHORISED', 'CORRECT_NEEDS_CLERK_OR_ADMIN');
  const { extraction, changes } = withCorrections(c.extraction!, values, user);
  const evidence = await evidenceShown(rt.db, c);
  const f = extraction.fields;
  const identity = {
    seller_name: f.seller_name?.value,
    seller_vat_id: f.seller_vat_id?.value,
    invoice_number: f.invoice_number?.value,
  };
  await rt.db.transaction(async (tx) => {
    await saveExtraction(tx, caseId, extraction, {
      duplicateKey: duplicateKey(identity),
      sellerKey: sellerKey(identity),
    });
    await setCaseState(tx, caseId, 'extracted');
    await updateException(tx, caseId, { state: 'resolved' });
    await clearApproval(tx, caseId);
    await appendAudit(tx, {
      caseId,
      actor: user,
      action: 'case.corrected',
      data: { fields: changes, evidenceShown: evidence },
    });
  });
  await rt.queue.enqueue('validate', { caseId, runId: rt.runId });
}

function withCorrections(extraction: Extraction, values: Record<string, string>, user: string) {
  const fields = { ...extraction.fields };
  const changes: Record<string, { from: string | null; to: string }> = {};
  for (const [name, value] of Object.entries(values)) {
    if (!HEADER_FIELDS.includes(name as HeaderField))
      throw new BusinessError(
        'INVALID_ARGUMENT',
        `"${name}" is not a correctable field (${HEADER_FIELDS.join(', ')})`,
      );
    const before = fields[name as HeaderField];
    changes[name] = { from: before?.value ?? null, to: value };
    fields[name as HeaderField] = { value, confidence: 1, source: before?.source ?? 'text' };
  }
  const warnings = [
    ...extraction.warnings,
    `corrected by ${user}: ${Object.keys(values).join(', ')}`,
  ];
  return { extraction: { ...extraction, fields, warnings }, changes };
}

/** Hands a case's open exception to another user or group. */
export async function assignCase(rt: Runtime, caseId: string, user: string, to: string) {
  const c = await requireCase(rt, caseId);
  rolesOf(rt, user);
  const e = await getException(rt.db, caseId);
  if (e?.state !== 'open')
    throw new BusinessError(
      'CASE_STATE_CONFLICT',
      `Case ${caseId} has no open exception to assign`,
    );
  if (!isKnown(rt, to))
    throw new BusinessError('USER_UNKNOWN', `"${to}" is neither a user nor a group`);
  const evidence = await evidenceShown(rt.db, c);
  await rt.db.transaction(async (tx) => {
    await updateException(tx, caseId, { owner: to });
    await appendAudit(tx, {
      caseId,
      actor: user,
      action: 'case.assigned',
      data: { from: e.owner, to, evidenceShown: evidence },
    });
  });
}

function isKnown(rt: Runtime, id: string): boolean {
  const policy = policyOf(rt);
  try {
    rolesOf(rt, id);
    return true;
  } catch {
    return policy?.users.groups.some((g) => g.id === id) ?? false;
  }
}

async function requireState(rt: Runtime, caseId: string, states: CaseState[], action: string) {
  const c = await requireCase(rt, caseId);
  if (!states.includes(c.state))
    throw new BusinessError(
      'CASE_STATE_CONFLICT',
      `Cannot ${action} case ${caseId}: it is ${c.state}, not ${states.join(' or ')}`,
    );
  return c;
}

/** Records the refusal, then throws it: a refused attempt is part of the trail. */
export async function refuse(
  rt: Runtime,
  c: CaseRecord,
  user: string,
  action: string,
  code: ErrorCode,
  rule: string,
): Promise<never> {
  await appendAudit(rt.db, {
    caseId: c.id,
    actor: user,
    action: 'decision.refused',
    data: { action, code, rule },
  });
  throw new BusinessError(code, `${user} may not ${action} case ${c.id}: refused by rule ${rule}`, {
    details: { rule },
  });
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}
