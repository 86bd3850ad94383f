import type { Db } from './db.ts';

/** An open question on a held case: why (code), whose it is, and until when. */
export interface ExceptionRecord {
  caseId: string;
  code: string;
  /** A user or a group of the user directory. */
  owner: string;
  /** 0 for the first owner, +1 per escalation. */
  level: number;
  /** ISO-8601 UTC. */
  deadlineAt: string;
  state: 'open' | 'resolved';
  openedAt: string;
  updatedAt: string;
}

export interface OpenException {
  caseId: string;
  code: string;
  owner: string;
  deadlineAt: string;
}

/** Opens (or re-opens, after a correction held again) the exception of a case at level 0. */
export async function openException(db: Db, e: OpenException): Promise<void> {
  const now = new Date().toISOString();
  await db.query(
    `INSERT INTO exceptions (case_id, code, owner, level, deadline_at, state, opened_at, updated_at)
     VALUES ($1, $2, $3, 0, $4, 'open', $5, $5)
     ON CONFLICT (case_id) DO UPDATE SET code = $2, owner = $3, level = 0, deadline_at = $4,
       state = 'open', opened_at = $5, updated_at = $5`,
    [e.caseId, e.code, e.owner, e.deadlineAt, now],
  );
}

export async function getException(db: Db, caseId: string): Promise<ExceptionRecord | undefined> {
  const [row] = await db.query('SELECT * FROM exceptions WHERE case_id = $1', [caseId]);
  return row ? toException(row) : undefined;
}

export async function listOpenExceptions(db: Db): Promise<ExceptionRecord[]> {
  const rows = await db.query(
    "SELECT * FROM exceptions WHERE state = 'open' ORDER BY deadline_at, case_id",
  );
  return rows.map(toException);
}

/** Open exceptions whose deadline is at or before `now` (ISO-8601). */
export async function listOverdueExceptions(db: Db, now: string): Promise<ExceptionRecord[]> {
  const rows = await db.query(
    "SELECT * FROM exceptions WHERE state = 'open' AND deadline_at <= $1 ORDER BY deadline_at",
    [now],
  );
  return rows.map(toException);
}

export async function updateException(
  db: Db,
  caseId: string,
  change: Partial<Pick<ExceptionRecord, 'owner' | 'level' | 'deadlineAt' | 'state'>>,
): Promise<void> {
  const current = await getException(db, caseId);
  if (!current) return;
  const next = { ...current, ...change };
  await db.query(
    `UPDATE exceptions SET owner = $2, level = $3, deadline_at = $4, state = $5, updated_at = $6
     WHERE case_id = $1`,
    [caseId, next.owner, next.level, next.deadlineAt, next.state, new Date().toISOString()],
  );
}

/** Counts of exceptions by reason code: every one ever opened, or with `openOnly` the open ones. */
export async function countExceptionsByCode(
  db: Db,
  openOnly = false,
): Promise<Record<string, number>> {
  const rows = await db.query<{ code: string; n: number }>(
    `SELECT code, count(*)::int AS n FROM exceptions
     ${openOnly ? "WHERE state = 'open'" : ''} GROUP BY code ORDER BY code`,
  );
  return Object.fromEntries(rows.map((r) => [r.code, Number(r.n)]));
}

function toException(r: Record<string, unknown>): ExceptionRecord {
  return {
    caseId: String(r.case_id),
    code: String(r.code),
    owner: String(r.owner),
    level: Number(r.level),
    deadlineAt: String(r.deadline_at),
    state: r.state as ExceptionRecord['state'],
    openedAt: String(r.opened_at),
    updatedAt: String(r.updated_at),
  };
}
