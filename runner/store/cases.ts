import type { DocumentKind, Extraction } from '../invoice.ts';
import type { Db } from './db.ts';

/**
 * Where a case stands. `held` waits for a person (an exception); `awaiting-approval` waits for
 * the next level of its approval chain; `failed` ran out of retries (dead letter).
 */
export const CASE_STATES = [
  'received',
  'extracted',
  'validated',
  'awaiting-approval',
  'approved',
  'posting',
  'posted',
  'held',
  'rejected',
  'failed',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

export interface CaseRecord {
  id: string;
  sha256: string;
  state: CaseState;
  documentKind: DocumentKind | null;
  extraction: Extraction | null;
  sellerName: string | null;
  invoiceNumber: string | null;
  grossTotal: string | null;
  currency: string | null;
  duplicateKey: string | null;
  sellerKey: string | null;
  holdCode: string | null;
  holdReason: string | null;
  runId: string;
  createdSeq: number;
  createdAt: string;
  updatedAt: string;
  fileName: string;
  storedPath: string;
}

/** One case per distinct original: the id is derived from the hash, so re-ingesting is a no-op. */
export function caseIdFor(sha256: string): string {
  return `C-${sha256.slice(0, 12)}`;
}

const SELECT_CASE = `SELECT c.*, d.file_name, d.stored_path FROM cases c
  JOIN documents d ON d.sha256 = c.sha256`;

export async function getCase(db: Db, caseId: string): Promise<CaseRecord | undefined> {
  const [row] = await db.query(`${SELECT_CASE} WHERE c.id = $1`, [caseId]);
  return row ? toCase(row) : undefined;
}

export async function listCases(db: Db, state?: CaseState): Promise<CaseRecord[]> {
  const rows = await db.query(
    `${SELECT_CASE} ${state ? 'WHERE c.state = $1' : ''} ORDER BY c.created_seq`,
    state ? [state] : [],
  );
  return rows.map(toCase);
}

export async function countCasesByState(db: Db): Promise<Record<string, number>> {
  const rows = await db.query<{ state: string; n: number }>(
    'SELECT state, count(*)::int AS n FROM cases GROUP BY state ORDER BY state',
  );
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}

export async function setCaseState(
  db: Db,
  caseId: string,
  state: CaseState,
  hold?: { code: string; reason: string },
): Promise<void> {
  await db.query(
    'UPDATE cases SET state = $2, hold_code = $3, hold_reason = $4, updated_at = $5 WHERE id = $1',
    [caseId, state, hold?.code ?? null, hold?.reason ?? null, new Date().toISOString()],
  );
}

/** Keys the duplicate and history rules look earlier cases up by. */
export interface CaseKeys {
  /** Seller + normalised invoice number. */
  duplicateKey: string | null;
  /** The seller alone (VAT id, else normalised name). */
  sellerKey: string | null;
}

export async function saveExtraction(
  db: Db,
  caseId: string,
  extraction: Extraction,
  keys: CaseKeys,
): Promise<void> {
  const f = extraction.fields;
  await db.query(
    `UPDATE cases SET extraction = $2, document_kind = $3, seller_name = $4, invoice_number = $5,
       gross_total = $6, currency = $7, duplicate_key = $8, seller_key = $9, updated_at = $10
     WHERE id = $1`,
    [
      caseId,
      extraction,
      extraction.documentKind,
      f.seller_name?.value ?? null,
      f.invoice_number?.value ?? null,
      f.gross_total?.value ?? null,
      f.currency?.value ?? null,
      keys.duplicateKey,
      keys.sellerKey,
      new Date().toISOString(),
    ],
  );
}

/**
 * Cases created before `c` that the duplicate and history rules compare it with: the same
 * seller, the same duplicate key, or the same amount in the same currency.
 */
export async function listEarlierCandidates(db: Db, c: CaseRecord): Promise<CaseRecord[]> {
  const rows = await db.query(
    `${SELECT_CASE} WHERE c.created_seq < $1 AND c.extraction IS NOT NULL
       AND (c.seller_key = $2 OR c.duplicate_key = $3 OR (c.gross_total = $4 AND c.currency = $5))
     ORDER BY c.created_seq`,
    [c.createdSeq, c.sellerKey, c.duplicateKey, c.grossTotal, c.currency],
  );
  return rows.map(toCase);
}

function toCase(r: Record<string, unknown>): CaseRecord {
  return {
    id: String(r.id),
    sha256: String(r.sha256),
    state: r.state as CaseState,
    documentKind: (r.document_kind as DocumentKind | null) ?? null,
    extraction: (r.extraction as Extraction | null) ?? null,
    sellerName: (r.seller_name as string | null) ?? null,
    invoiceNumber: (r.invoice_number as string | null) ?? null,
    grossTotal: (r.gross_total as string | null) ?? null,
    currency: (r.currency as string | null) ?? null,
    duplicateKey: (r.duplicate_key as string | null) ?? null,
    sellerKey: (r.seller_key as string | null) ?? null,
    holdCode: (r.hold_code as string | null) ?? null,
    holdReason: (r.hold_reason as string | null) ?? null,
    runId: String(r.run_id),
    createdSeq: Number(r.created_seq),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
    fileName: String(r.file_name),
    storedPath: String(r.stored_path),
  };
}
