import { BusinessError } from '../errors.ts';
import type { Db } from './db.ts';

/**
 * The posting ledger. `submitting` is written before the bot touches the save button, so after
 * a crash a posting in `submitting` or `unknown` is resolved by searching the target system,
 * never by entering it again.
 */
export type PostingState = 'pending' | 'submitting' | 'posted' | 'unknown' | 'rejected' | 'shadow';

export interface PostingRecord {
  caseId: string;
  target: string;
  idempotencyKey: string;
  state: PostingState;
  erpDocumentNumber: string | null;
  attempts: number;
  lastError: string | null;
}

export async function getPosting(db: Db, caseId: string): Promise<PostingRecord | undefined> {
  const [r] = await db.query('SELECT * FROM postings WHERE case_id = $1', [caseId]);
  if (!r) return undefined;
  return {
    caseId: String(r.case_id),
    target: String(r.target),
    idempotencyKey: String(r.idempotency_key),
    state: r.state as PostingState,
    erpDocumentNumber: (r.erp_document_number as string | null) ?? null,
    attempts: Number(r.attempts),
    lastError: (r.last_error as string | null) ?? null,
  };
}

/** Creates the ledger row once; a second call returns the existing row. */
export async function ensurePosting(
  db: Db,
  caseId: string,
  target: string,
  idempotencyKey: string,
): Promise<PostingRecord> {
  await db.query(
    `INSERT INTO postings (case_id, target, idempotency_key, state, updated_at)
     VALUES ($1, $2, $3, 'pending', $4) ON CONFLICT DO NOTHING`,
    [caseId, target, idempotencyKey, new Date().toISOString()],
  );
  const posting = await getPosting(db, caseId);
  if (!posting) {
    // Validation should have held this case as a duplicate; the ledger is the last guard.
    const [owner] = await db.query<{ case_id: string }>(
      'SELECT case_id FROM postings WHERE target = $1 AND idempotency_key = $2',
      [target, idempotencyKey],
    );
    throw new BusinessError(
      'DUPLICATE_INVOICE',
      `Case ${caseId} would post ${idempotencyKey} to ${target}, which case ${owner?.case_id} already holds`,
      { details: { otherCaseId: owner?.case_id } },
    );
  }
  return posting;
}

export async function updatePosting(
  db: Db,
  caseId: string,
  change: { state: PostingState; erpDocumentNumber?: string | null; lastError?: string | null },
  countsAsAttempt = false,
): Promise<void> {
  await db.query(
    `UPDATE postings SET state = $2, erp_document_number = COALESCE($3, erp_document_number),
       last_error = $4, attempts = attempts + $5, updated_at = $6 WHERE case_id = $1`,
    [
      caseId,
      change.state,
      change.erpDocumentNumber ?? null,
      change.lastError ?? null,
      countsAsAttempt ? 1 : 0,
      new Date().toISOString(),
    ],
  );
}
