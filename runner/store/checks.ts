import type { Db } from './db.ts';

/** The outcome of one validation rule on one case, with what it compared. */
export interface CheckRow {
  rule: string;
  code: string;
  result: 'pass' | 'hold';
  reason: string;
  evidence: Record<string, unknown>;
}

/** Replaces the case's checks: a re-run of validation supersedes the earlier verdicts. */
export async function replaceChecks(db: Db, caseId: string, checks: CheckRow[]): Promise<void> {
  await db.query('DELETE FROM checks WHERE case_id = $1', [caseId]);
  const now = new Date().toISOString();
  for (const c of checks) {
    await db.query(
      `INSERT INTO checks (case_id, rule, code, result, reason, evidence, checked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [caseId, c.rule, c.code, c.result, c.reason, c.evidence, now],
    );
  }
}

export async function listChecks(db: Db, caseId: string): Promise<CheckRow[]> {
  const rows = await db.query(
    'SELECT rule, code, result, reason, evidence FROM checks WHERE case_id = $1 ORDER BY id',
    [caseId],
  );
  return rows.map((r) => ({
    rule: String(r.rule),
    code: String(r.code),
    result: r.result as CheckRow['result'],
    reason: String(r.reason),
    evidence: r.evidence as Record<string, unknown>,
  }));
}
