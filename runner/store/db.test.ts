import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, verifyAuditChain } from '../audit.ts';
import { type Db, openDb } from './db.ts';
import { caseIdFor } from './cases.ts';
import { recordArrival } from './documents.ts';
import { ensurePosting, getPosting, updatePosting } from './postings.ts';

/**
 * The same store code against both engines: embedded PGlite, and a PostgreSQL server when one
 * answers at TEST_DATABASE_URL (default: the local server with trust auth), in a database made
 * for this test and dropped after it.
 */
const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `rpa_test_${randomBytes(4).toString('hex')}`;

async function serverAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.query(`CREATE DATABASE ${dbName}`);
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const hasServer = await serverAnswers();
const engines: Array<[string, () => Promise<Db>]> = [
  ['pglite', () => openDb({ dataDir: 'memory://' })],
];
if (hasServer) {
  engines.push([
    'postgres',
    () => openDb({ dataDir: '', databaseUrl: serverUrl.replace(/\/[^/]*$/, `/${dbName}`) }),
  ]);
} else {
  it.fails('PostgreSQL server tests need a server at TEST_DATABASE_URL', () => {
    throw new Error(`no PostgreSQL at ${serverUrl}`);
  });
}

afterAll(async () => {
  if (!hasServer) return;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await client.end();
});

describe.each(engines)('store on %s', (_name, open) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(() => db.close());

  const doc = {
    sha256: 'ab'.repeat(32),
    fileName: 'a.pdf',
    mediaType: 'application/pdf',
    sizeBytes: 3,
    storedPath: '/x',
  };

  it('opens one case per original, however often it arrives', async () => {
    const first = await recordArrival(
      db,
      doc,
      { channel: 'mail', ref: 'm/1/1', detail: {} },
      'R-1',
    );
    const again = await recordArrival(
      db,
      doc,
      { channel: 'folder', ref: '/in/a.pdf', detail: {} },
      'R-2',
    );
    expect(first).toEqual({ caseId: caseIdFor(doc.sha256), isNew: true });
    expect(again).toEqual({ caseId: caseIdFor(doc.sha256), isNew: false });
    const arrivals = await db.query('SELECT channel FROM document_arrivals ORDER BY id');
    expect(arrivals.map((a) => a.channel)).toEqual(['mail', 'folder']);
  });

  it('keeps one ledger row per idempotency key and counts attempts', async () => {
    const caseId = caseIdFor(doc.sha256);
    await ensurePosting(db, caseId, 'erp', 'DE1|42');
    await ensurePosting(db, caseId, 'erp', 'DE1|42');
    await updatePosting(db, caseId, { state: 'submitting' }, true);
    await updatePosting(db, caseId, { state: 'posted', erpDocumentNumber: 'AP-1' });
    expect(await getPosting(db, caseId)).toMatchObject({
      state: 'posted',
      attempts: 1,
      erpDocumentNumber: 'AP-1',
    });
  });

  it('rolls back a failed transaction and chains audit events from parallel writers', async () => {
    await expect(
      db.transaction(async (tx) => {
        await appendAudit(tx, { actor: 'x', action: 'lost' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => appendAudit(db, { actor: 'w', action: `a${i}` })),
    );
    // The case above was opened and posted without events; the product writes one with every
    // arrival, and its posting's event with the ledger's "posted" in one transaction.
    await appendAudit(db, { caseId: caseIdFor(doc.sha256), actor: 'w', action: 'case.posted' });
    expect(await verifyAuditChain(db)).toEqual({ isIntact: true, eventCount: 9 });
  });
});
