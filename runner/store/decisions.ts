import type { Db } from './db.ts';

/** The approval chain of a case and how far along it is. */
export interface ApprovalRecord {
  caseId: string;
  /** One user or group per level, in order. */
  chain: string[];
  /** Index in `chain` of the level that must approve next. */
  level: number;
  /** Who approved each level so far, in order. */
  approvedBy: string[];
  policyVersion: string;
  /** ISO-8601 UTC: when the level that must approve next is due; absent on older chains. */
  deadlineAt?: string;
  updatedAt: string;
}

/** Starts (or restarts) the chain of a case at its first level, due at `deadlineAt`. */
export async function startApproval(
  db: Db,
  caseId: string,
  chain: string[],
  policyVersion: string,
  deadlineAt?: string,
): Promise<void> {
  await db.query(
    `INSERT INTO approvals (case_id, chain, level, approved_by, policy_version, deadline_at,
       updated_at)
     VALUES ($1, $2, 0, '[]', $3, $4, $5)
     ON CONFLICT (case_id) DO UPDATE SET chain = $2, level = 0, approved_by = '[]',
       policy_version = $3, deadline_at = $4, updated_at = $5`,
    [caseId, JSON.stringify(chain), policyVersion, deadlineAt ?? null, new Date().toISOString()],
  );
}

export async function getApproval(db: Db, caseId: string): Promise<ApprovalRecord | undefined> {
  const [r] = await db.query('SELECT * FROM approvals WHERE case_id = $1', [caseId]);
  if (!r) return undefined;
  return {
    caseId: String(r.case_id),
    chain: r.chain as string[],
    level: Number(r.level),
    approvedBy: r.approved_by as string[],
    policyVersion: String(r.policy_version),
    ...(r.deadline_at ? { deadlineAt: String(r.deadline_at) } : {}),
    updatedAt: String(r.updated_at),
  };
}

/** Records one level's approval and moves to the next, which is due at `nextDeadlineAt`. */
export async function recordApprovalStep(
  db: Db,
  caseId: string,
  user: string,
  nextDeadlineAt?: string,
): Promise<void> {
  const current = await getApproval(db, caseId);
  if (!current) return;
  await db.query(
    `UPDATE approvals SET level = $2, approved_by = $3, deadline_at = $4, updated_at = $5
     WHERE case_id = $1`,
    [
      caseId,
      current.level + 1,
      JSON.stringify([...current.approvedBy, user]),
      nextDeadlineAt ?? null,
      new Date().toISOString(),
    ],
  );
}

/** How many cases the routing ever sent to an approval chain (APPROVAL_REQUIRED). */
export async function countCasesSentToApproval(db: Db): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `SELECT count(DISTINCT case_id)::int AS n FROM audit_events
     WHERE action = 'case.awaiting-approval'`,
  );
  return Number(row?.n ?? 0);
}

export async function clearApproval(db: Db, caseId: string): Promise<void> {
  await db.query('DELETE FROM approvals WHERE case_id = $1', [caseId]);
}
