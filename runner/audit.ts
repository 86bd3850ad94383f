import { createHash } from 'node:crypto';
import type { Db } from './store/db.ts';

/**
 * The audit trail: append-only events, each carrying the hash of the one before, so that a
 * changed, removed or reordered event breaks the chain at a point `verifyAuditChain` can name.
 */
export interface AuditEventInput {
  runId?: string;
  caseId?: string;
  /** A user name, or `bot:<name>` for the runner's own steps. */
  actor: string;
  action: string;
  data?: Record<string, unknown>;
}

export interface AuditEvent extends Required<Omit<AuditEventInput, 'runId' | 'caseId'>> {
  seq: number;
  at: string;
  runId: string | null;
  caseId: string | null;
  prevHash: string;
  hash: string;
}

const GENESIS_HASH = '0'.repeat(64);
/** Appends are serialised across processes by this advisory lock, held to the end of the tx. */
const AUDIT_LOCK_ID = 7_304_212;

export function hashEvent(prevHash: string, e: Omit<AuditEvent, 'seq' | 'hash' | 'prevHash'>) {
  const body = canonicalJson([prevHash, e.at, e.runId, e.caseId, e.actor, e.action, e.data]);
  return createHash('sha256').update(body).digest('hex');
}

/** JSON with object keys sorted: jsonb does not keep key order, and the hash must not care. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Appends one event; call it inside the transaction that makes the change it records. */
export async function appendAudit(db: Db, input: AuditEventInput): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK_ID]);
    const [last] = await tx.query<{ hash: string }>(
      'SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1',
    );
    const prevHash = last?.hash ?? GENESIS_HASH;
    const event = {
      at: new Date().toISOString(),
      runId: input.runId ?? null,
      caseId: input.caseId ?? null,
      actor: input.actor,
      action: input.action,
      data: input.data ?? {},
    };
    const hash = hashEvent(prevHash, event);
    const [row] = await tx.query<{ seq: number }>(
      `INSERT INTO audit_events (at, run_id, case_id, actor, action, data, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq`,
      [event.at, event.runId, event.caseId, event.actor, event.action, event.data, prevHash, hash],
    );
    await tx.query(
      `INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2)
       ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash`,
      [row!.seq, hash],
    );
  });
}

export async function listAudit(db: Db, caseId?: string): Promise<AuditEvent[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT seq, at, run_id, case_id, actor, action, data, prev_hash, hash FROM audit_events
     ${caseId ? 'WHERE case_id = $1' : ''} ORDER BY seq`,
    caseId ? [caseId] : [],
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: String(r.at),
    runId: (r.run_id as string | null) ?? null,
    caseId: (r.case_id as string | null) ?? null,
    actor: String(r.actor),
    action: String(r.action),
    data: r.data as Record<string, unknown>,
    prevHash: String(r.prev_hash),
    hash: String(r.hash),
  }));
}

/** The cases an event `action` was recorded for during run `runId`, each once. */
export async function casesWithActionInRun(
  db: Db,
  runId: string,
  action: string,
): Promise<string[]> {
  const rows = await db.query<{ case_id: string }>(
    `SELECT DISTINCT case_id FROM audit_events
     WHERE run_id = $1 AND action = $2 AND case_id IS NOT NULL`,
    [runId, action],
  );
  return rows.map((r) => r.case_id);
}

export interface AuditVerdict {
  isIntact: boolean;
  eventCount: number;
  /** The first event whose content or position no longer matches the chain. */
  firstBrokenSeq?: number;
  problem?: string;
}

export async function verifyAuditChain(db: Db): Promise<AuditVerdict> {
  const events = await listAudit(db);
  let prevHash = GENESIS_HASH;
  for (const event of events) {
    if (event.prevHash !== prevHash) {
      return broken(events.length, event.seq, 'an event before it was changed, removed or moved');
    }
    if (hashEvent(prevHash, event) !== event.hash) {
      return broken(events.length, event.seq, 'its content was changed');
    }
    prevHash = event.hash;
  }
  const lastSeq = events.at(-1)?.seq ?? 0;
  const cut = await findCutOff(db, lastSeq, prevHash);
  if (cut) return broken(events.length, lastSeq + 1, cut);
  return { isIntact: true, eventCount: events.length };
}

/**
 * What the chain cannot show by itself: events removed from its end. The head record names
 * the newest event written, every case must have at least the event that opened it, and a
 * posting the ledger holds as done must have its `case.posted` event (both are written in
 * one transaction), so cutting the newest events and rewinding the head record is seen too.
 */
async function findCutOff(db: Db, lastSeq: number, lastHash: string): Promise<string | null> {
  const [head] = await db.query<{ seq: number; hash: string }>(
    'SELECT seq, hash FROM audit_head WHERE id = 1',
  );
  if (!head && lastSeq > 0) return 'the record of the newest event was removed';
  if (head && (Number(head.seq) !== lastSeq || head.hash !== lastHash)) {
    return `events after #${lastSeq} were removed: the newest written was #${head.seq}`;
  }
  const [orphan] = await db.query<{ id: string }>(
    `SELECT c.id FROM cases c WHERE NOT EXISTS
       (SELECT 1 FROM audit_events e WHERE e.case_id = c.id) LIMIT 1`,
  );
  if (orphan) return `case ${orphan.id} has no audit event left`;
  const [unrecorded] = await db.query<{ case_id: string }>(
    `SELECT p.case_id FROM postings p WHERE p.state = 'posted' AND NOT EXISTS
       (SELECT 1 FROM audit_events e WHERE e.case_id = p.case_id AND e.action = 'case.posted')
     LIMIT 1`,
  );
  return unrecorded
    ? `case ${unrecorded.case_id} is posted in the ledger, but its case.posted event is gone`
    : null;
}

function broken(eventCount: number, seq: number, problem: string): AuditVerdict {
  return { isIntact: false, eventCount, firstBrokenSeq: seq, problem };
}
