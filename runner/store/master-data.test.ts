import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyMasterData } from '../../bots/validate/index.ts';
import { type Db, openDb } from './db.ts';
import {
  countExceptionsByCode,
  getException,
  listOverdueExceptions,
  openException,
  updateException,
} from './exceptions.ts';
import { countMasterData, listPoInvoices, loadMasterData, saveMasterData } from './master-data.ts';

let db: Db;

beforeAll(async () => {
  db = await openDb({ dataDir: 'memory://' });
});
afterAll(() => db.close());

async function insertCase(id: string, state: string, orderReference: string, quantity: string) {
  const sha = id.padEnd(64, '0');
  const now = new Date().toISOString();
  await db.query(
    `INSERT INTO documents (sha256, file_name, media_type, size_bytes, stored_path, received_at)
     VALUES ($1, 'f.pdf', 'application/pdf', 1, '/x', $2)`,
    [sha, now],
  );
  const extraction = {
    fields: {
      order_reference: { value: orderReference, confidence: 1, source: 'xml' },
      line_items: { value: [{ description: 'Bolts', quantity }], confidence: 1, source: 'xml' },
    },
  };
  await db.query(
    `INSERT INTO cases (id, sha256, state, extraction, run_id, created_at, updated_at)
     VALUES ($1, $2, $3, $4, 'R-1', $5, $5)`,
    [id, sha, state, extraction, now],
  );
}

describe('master data store', () => {
  it('upserts records by kind and id and reads them back', async () => {
    const data = emptyMasterData();
    data.vendors = [{ id: 'v1', name: 'Acme', status: 'active' }];
    data.purchaseOrders = [
      { number: '45', vendorId: 'v1', lines: [{ lineNo: '10', quantity: '5', unitPrice: '1.20' }] },
    ];
    await saveMasterData(db, data, 'test');
    data.vendors = [{ id: 'v1', name: 'Acme', status: 'blocked' }];
    await saveMasterData(db, data, 'test');
    const loaded = await loadMasterData(db);
    expect(loaded.vendors).toEqual([{ id: 'v1', name: 'Acme', status: 'blocked' }]);
    expect(loaded.purchaseOrders[0]?.lines[0]?.unitPrice).toBe('1.20');
    expect(await countMasterData(db)).toEqual({ purchaseOrders: 1, vendors: 1 });
  });

  it('lists the validated invoices of an order, not held or rejected ones', async () => {
    await insertCase('C-a', 'posted', '45', '2');
    await insertCase('C-b', 'held', '45', '3');
    await insertCase('C-c', 'awaiting-approval', '45', '1');
    const invoices = await listPoInvoices(db, '45', 'C-c');
    expect(invoices).toEqual([{ caseId: 'C-a', lines: [{ description: 'Bolts', quantity: '2' }] }]);
  });
});

describe('exceptions store', () => {
  it('opens, escalates and resolves an exception, and counts by reason', async () => {
    await openException(db, {
      caseId: 'C-b',
      code: 'QUANTITY_MISMATCH',
      owner: 'procurement',
      deadlineAt: '2026-01-01T00:00:00.000Z',
    });
    expect(await listOverdueExceptions(db, '2025-12-31T00:00:00.000Z')).toHaveLength(0);
    expect(await listOverdueExceptions(db, '2026-01-02T00:00:00.000Z')).toHaveLength(1);
    await updateException(db, 'C-b', { owner: 'ap-leads', level: 1 });
    expect(await getException(db, 'C-b')).toMatchObject({ owner: 'ap-leads', level: 1 });
    await updateException(db, 'C-b', { state: 'resolved' });
    expect(await listOverdueExceptions(db, '2026-01-02T00:00:00.000Z')).toHaveLength(0);
    expect(await countExceptionsByCode(db)).toEqual({ QUANTITY_MISMATCH: 1 });
  });
});
