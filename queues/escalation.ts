import { exceptionFor } from '../bots/route/index.ts';
import { appendAudit } from '../runner/audit.ts';
import { messageOf } from '../runner/errors.ts';
import { listCases } from '../runner/store/cases.ts';
import type { Db } from '../runner/store/db.ts';
import {
  getException,
  listOpenExceptions,
  listOverdueExceptions,
  openException,
  updateException,
} from '../runner/store/exceptions.ts';
import { scheduleEscalation, startEscalationWorker } from './escalation-bullmq.ts';
import type { Runtime } from './runtime.ts';
import { NO_POLICY_ROUTE, policyOf } from './stages/policy-of.ts';

const HOUR_MS = 3_600_000;

export interface ExceptionRoute {
  code: string;
  owner: string;
  deadlineHours: number;
  escalateTo: string[];
}

/** Owner, deadline and escalation levels for a hold: from the policy, else the default route. */
export function exceptionRouteFor(rt: Runtime, codes: string[]): ExceptionRoute {
  const policy = policyOf(rt);
  if (!policy) return { code: codes[0] ?? 'APPROVAL_REQUIRED', ...NO_POLICY_ROUTE };
  return exceptionFor(policy, codes, '').exception!;
}

/**
 * Opens the exception of a held case inside the caller's transaction and records it. Returns
 * the deadline; the caller schedules the escalation with {@link scheduleEscalation} after commit.
 */
export async function openCaseException(
  rt: Runtime,
  tx: Db,
  caseId: string,
  codes: string[],
  runId?: string,
): Promise<{ code: string; owner: string; deadlineAt: string }> {
  const route = exceptionRouteFor(rt, codes);
  const deadlineAt = new Date(Date.now() + route.deadlineHours * HOUR_MS).toISOString();
  await openException(tx, { caseId, code: route.code, owner: route.owner, deadlineAt });
  await appendAudit(tx, {
    runId,
    caseId,
    actor: 'bot:route',
    action: 'exception.opened',
    data: { code: route.code, owner: route.owner, deadlineAt, escalateTo: route.escalateTo },
  });
  return { code: route.code, owner: route.owner, deadlineAt };
}

/**
 * Escalates one exception if its deadline has passed by `now`: the owner becomes the next
 * level of its route (or stays, when the route has no further level), the deadline restarts,
 * and an audit event records both. Returns whether it escalated.
 */
export async function escalateCase(
  rt: Runtime,
  caseId: string,
  now = new Date(),
): Promise<boolean> {
  const next = await rt.db.transaction(async (tx) => {
    const e = await getException(tx, caseId);
    if (e?.state !== 'open' || e.deadlineAt > now.toISOString()) return null;
    const route = exceptionRouteFor(rt, [e.code]);
    const owner = route.escalateTo[e.level] ?? e.owner;
    const deadlineAt = new Date(now.getTime() + route.deadlineHours * HOUR_MS).toISOString();
    await updateException(tx, caseId, { owner, level: e.level + 1, deadlineAt });
    await appendAudit(tx, {
      caseId,
      actor: 'bot:escalate',
      action: 'case.escalated',
      data: {
        code: e.code,
        from: e.owner,
        to: owner,
        level: e.level + 1,
        missedDeadline: e.deadlineAt,
        deadlineAt,
      },
    });
    return deadlineAt;
  });
  if (next) await scheduleEscalation(rt, caseId, next);
  return next !== null;
}

/**
 * One pass of the in-process rule (and a safety net in queue mode): escalates every exception
 * past its deadline, and opens an exception for held cases that have none (a stage failure
 * holds a case without routing it). Returns how many escalated.
 */
export async function sweepEscalations(rt: Runtime, now = new Date()): Promise<number> {
  const open = new Set((await listOpenExceptions(rt.db)).map((e) => e.caseId));
  for (const c of await listCases(rt.db, 'held')) {
    if (open.has(c.id)) continue;
    await rt.db.transaction((tx) =>
      openCaseException(rt, tx, c.id, [c.holdCode ?? 'APPROVAL_REQUIRED']),
    );
  }
  let escalated = 0;
  for (const e of await listOverdueExceptions(rt.db, now.toISOString()))
    if (await escalateCase(rt, e.caseId, now)) escalated += 1;
  return escalated;
}

/**
 * Starts escalating for a long-running worker: BullMQ delayed jobs in queue mode, a sweep
 * every `escalation.sweepSeconds` in the in-process mode. Stopped with the runtime.
 */
export function startEscalation(rt: Runtime): void {
  if (rt.queue.mode === 'bullmq') {
    startEscalationWorker(rt, (caseId) => escalateCase(rt, caseId));
    return;
  }
  const timer = setInterval(() => {
    sweepEscalations(rt).catch((error) =>
      rt.logger.error('Escalation sweep failed', { error: messageOf(error) }),
    );
  }, rt.config.escalation.sweepSeconds * 1000);
  timer.unref();
  rt.closers.push(async () => clearInterval(timer));
}

export { scheduleEscalation };
