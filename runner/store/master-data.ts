import {
  emptyMasterData,
  MASTER_KINDS,
  type MasterData,
  type MasterKind,
  masterIdOf,
  type PoInvoice,
} from '../../bots/validate/index.ts';
import type { LineItem } from '../invoice.ts';
import type { Db } from './db.ts';

/**
 * Upserts every record of `data`; a record already stored under the same kind and id is
 * replaced, so loading a newer export of the same file updates it. Returns counts by kind.
 * Fed by `rpa master load` (files) and `rpa master sync` (bots/validate/erp-master-sync.ts).
 */
export async function saveMasterData(
  db: Db,
  data: MasterData,
  source: string,
): Promise<Record<MasterKind, number>> {
  const counts = {} as Record<MasterKind, number>;
  const now = new Date().toISOString();
  for (const kind of MASTER_KINDS) {
    const records = data[kind] as unknown as Array<Record<string, unknown>>;
    counts[kind] = records.length;
    for (const record of records) {
      await db.query(
        `INSERT INTO master_records (kind, id, data, source, loaded_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (kind, id) DO UPDATE SET data = $3, source = $4, loaded_at = $5`,
        [kind, masterIdOf(kind, record), record, source, now],
      );
    }
  }
  return counts;
}

/** Every stored master record, by kind. */
export async function loadMasterData(db: Db): Promise<MasterData> {
  const rows = await db.query<{ kind: MasterKind; data: unknown }>(
    'SELECT kind, data FROM master_records ORDER BY kind, id',
  );
  const data = emptyMasterData();
  for (const row of rows) (data[row.kind] as unknown[])?.push(row.data);
  return data;
}

export async function countMasterData(db: Db): Promise<Record<string, number>> {
  const rows = await db.query<{ kind: string; n: number }>(
    'SELECT kind, count(*)::int AS n FROM master_records GROUP BY kind ORDER BY kind',
  );
  return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
}

/** States in which an invoice's quantities count as invoiced against its order. */
const INVOICED_STATES = ['validated', 'awaiting-approval', 'approved', 'posting', 'posted'];

/**
 * Other cases quoting order `poNumber` that passed validation, with their lines: the
 * three-way match subtracts their quantities from what was received.
 */
export async function listPoInvoices(
  db: Db,
  poNumber: string,
  exceptCaseId: string,
): Promise<PoInvoice[]> {
  const rows = await db.query<{ id: string; lines: LineItem[] | null }>(
    `SELECT id, extraction->'fields'->'line_items'->'value' AS lines FROM cases
     WHERE extraction->'fields'->'order_reference'->>'value' = $1 AND id <> $2
       AND state = ANY($3) ORDER BY created_seq`,
    [poNumber, exceptCaseId, INVOICED_STATES],
  );
  return rows.map((r) => ({ caseId: r.id, lines: r.lines ?? [] }));
}
