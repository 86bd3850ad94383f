import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit, listAudit, verifyAuditChain } from './audit.ts';
import { type Db, openDb } from './store/db.ts';

describe('audit chain', () => {
  let db: Db;
  beforeEach(async () => {
    db = await openDb({ dataDir: 'memory://' });
    for (const action of ['document.received', 'case.extracted', 'case.validated', 'case.posted']) {
      await appendAudit(db, {
        caseId: 'C-1',
        actor: 'bot:test',
        action,
        data: { b: 2, a: [1, '1.10'] },
      });
    }
  });
  afterEach(() => db.close());

  it('verifies an untouched chain', async () => {
    expect(await verifyAuditChain(db)).toEqual({ isIntact: true, eventCount: 4 });
  });

  it('names the event whose content was edited', async () => {
    await db.query(`UPDATE audit_events SET data = '{"b": 3}' WHERE seq = 3`);
    const verdict = await verifyAuditChain(db);
    expect(verdict).toMatchObject({
      isIntact: false,
      firstBrokenSeq: 3,
      problem: 'its content was changed',
    });
  });

  it('names the event after a removed one', async () => {
    await db.query('DELETE FROM audit_events WHERE seq = 2');
    expect(await verifyAuditChain(db)).toMatchObject({ isIntact: false, firstBrokenSeq: 3 });
  });

  it('notices events cut off the end of the chain, or all of them', async () => {
    await db.query('DELETE FROM audit_events WHERE seq >= 3');
    expect(await verifyAuditChain(db)).toMatchObject({
      isIntact: false,
      firstBrokenSeq: 3,
      problem: 'events after #2 were removed: the newest written was #4',
    });
    await db.query('DELETE FROM audit_events');
    expect(await verifyAuditChain(db)).toMatchObject({ isIntact: false, firstBrokenSeq: 1 });
  });

  it('notices the head record removed', async () => {
    await db.query('DELETE FROM audit_head');
    expect(await verifyAuditChain(db)).toMatchObject({
      isIntact: false,
      problem: 'the record of the newest event was removed',
    });
  });

  it('notices two events swapped', async () => {
    const [two, three] = (await listAudit(db)).slice(1, 3);
    await db.query(
      'UPDATE audit_events SET action = $2, hash = $3, prev_hash = $4 WHERE seq = $1',
      [2, three!.action, three!.hash, three!.prevHash],
    );
    await db.query(
      'UPDATE audit_events SET action = $2, hash = $3, prev_hash = $4 WHERE seq = $1',
      [3, two!.action, two!.hash, two!.prevHash],
    );
    expect(await verifyAuditChain(db)).toMatchObject({ isIntact: false, firstBrokenSeq: 2 });
  });

  it('keeps hashes stable although jsonb reorders keys', async () => {
    const events = await listAudit(db);
    expect(events[0]!.data).toEqual({ a: [1, '1.10'], b: 2 });
    expect(events.every((e, i) => i === 0 || e.prevHash === events[i - 1]!.hash)).toBe(true);
  });

  it('notices the newest events cut and the head record rewound, by the posting ledger', async () => {
    const at = '2026-01-01T00:00:00Z';
    await db.query(
      `INSERT INTO documents VALUES ('abc', 'a.pdf', 'application/pdf', 1, '/x', $1)`,
      [at],
    );
    await db.query(
      `INSERT INTO cases (id, sha256, state, run_id, created_at, updated_at)
       VALUES ('C-1', 'abc', 'posted', 'R-1', $1, $1)`,
      [at],
    );
    await db.query(
      `INSERT INTO postings (case_id, target, idempotency_key, state, updated_at)
       VALUES ('C-1', 'erp', 'k', 'posted', $1)`,
      [at],
    );
    expect(await verifyAuditChain(db)).toMatchObject({ isIntact: true });
    // Someone removes the posting's event and makes the head record point at the one before.
    const [third] = (await listAudit(db)).slice(2, 3);
    await db.query('DELETE FROM audit_events WHERE seq = 4');
    await db.query('UPDATE audit_head SET seq = 3, hash = $1', [third!.hash]);
    expect(await verifyAuditChain(db)).toMatchObject({
      isIntact: false,
      problem: 'case C-1 is posted in the ledger, but its case.posted event is gone',
    });
  });
});
