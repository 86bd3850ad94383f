import { caseIdFor } from './cases.ts';
import type { Db } from './db.ts';

/** How a file reached us; `ref` identifies the arrival (mailbox+UIDVALIDITY+UID, path...). */
export interface Arrival {
  channel: 'mail' | 'folder' | 'cli' | 'portal';
  ref: string;
  detail: Record<string, unknown>;
}

export interface StoredDocument {
  sha256: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  storedPath: string;
}

/**
 * Records a document, its arrival and its case in one go. Returns `isNew: false` when the same
 * bytes were seen before (by any channel): the arrival is still recorded, no second case is made.
 * A container (a zip, a vendor's invoice list) is kept as evidence but opens no case of its own:
 * its entries arrive as documents of their own.
 */
export async function recordArrival(
  db: Db,
  doc: StoredDocument,
  arrival: Arrival,
  runId: string,
  opensCase = true,
): Promise<{ caseId: string | null; isNew: boolean }> {
  const now = new Date().toISOString();
  const caseId = caseIdFor(doc.sha256);
  const inserted = await db.query(
    `INSERT INTO documents (sha256, file_name, media_type, size_bytes, stored_path, received_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING RETURNING sha256`,
    [doc.sha256, doc.fileName, doc.mediaType, doc.sizeBytes, doc.storedPath, now],
  );
  await db.query(
    `INSERT INTO document_arrivals (sha256, channel, source_ref, source, arrived_at)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [doc.sha256, arrival.channel, arrival.ref, arrival.detail, now],
  );
  if (!opensCase) return { caseId: null, isNew: inserted.length > 0 };
  if (inserted.length > 0) {
    await db.query(
      `INSERT INTO cases (id, sha256, state, run_id, created_at, updated_at)
       VALUES ($1, $2, 'received', $3, $4, $4)`,
      [caseId, doc.sha256, runId, now],
    );
  }
  return { caseId, isNew: inserted.length > 0 };
}

export async function listArrivals(db: Db, sha256: string) {
  return db.query<{ channel: string; source_ref: string; arrived_at: string }>(
    'SELECT channel, source_ref, arrived_at FROM document_arrivals WHERE sha256 = $1 ORDER BY id',
    [sha256],
  );
}
