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
  updatedAt: string;
}

export async function startApproval(
  db: Db,
  caseId: string,
  chain: string[],
  policyVersion: string,
): Promise<void> {
  await db.query(
    `INSERT INTO approvals (case_id, chain, level, approved_by, policy_version, updated_at)
     VALUES ($1, $2, 0, '[]', $3, $4)
     ON CONFLICT (case_id) DO UPDATE SET chain = $2, level = 0, approved_by = '[]',
       policy_version = $3, updated_at = $4`,
    [caseId, JSON.stringify(chain), policyVersion, new Date().toISOString()],
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
    updatedAt: String(r.updated_at),
  };
}

/** Records one level's approval and moves to the next. */
export async function recordApprovalStep(db: Db, caseId: string, user: string): Promise<void> {
  const current = await getApproval(db, caseId);
  if (!current) return;
  await db.query(
    'UPDATE approvals SET level = $2, approved_by = $3, updated_at = $4 WHERE case_id = $1',
    [
      caseId,
      current.level + 1,
      JSON.stringify([...current.approvedBy, user]),
      new Date().toISOString(),
    ],
  );
}

export async function clearApproval(db: Db, caseId: string): Promise<void> {
  await db.query('DELETE FROM approvals WHERE case_id = $1', [caseId]);
}
