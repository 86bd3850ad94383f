import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summariseOutcomes } from '../../cli/commands/outcomes.ts';
import { openRuntime } from '../../cli/open-runtime.ts';
import { configSchema } from '../../config/schema.ts';
import { type FixtureErp, startFixtureErp } from '../../fixtures/erp/server.ts';
import { listAudit } from '../../runner/audit.ts';
import { getCase } from '../../runner/store/cases.ts';
import { getApproval } from '../../runner/store/decisions.ts';
import { getException } from '../../runner/store/exceptions.ts';
import { sweepEscalations } from '../escalation.ts';
import { pipelineHandlers } from '../pipeline.ts';
import { type Runtime, shutdown } from '../runtime.ts';
import { approveCase, correctCase, rejectCase } from './decide.ts';
import { receiveFile } from './receive.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const POLICY = path.join(REPO, 'config/examples/policy.yaml');
const HELD_PDF = path.join(REPO, 'fixtures/demo/08_Rechnung_2025005578.pdf');
const PASSWORD_ENV = 'RPA_TEST_DECIDE_ERP_PASSWORD';

const hoursUntil = (at: string | undefined): number => (Date.parse(at ?? '') - Date.now()) / 3.6e6;

describe('a held case through correction, refused self-approval, approval and posting', () => {
  let dir: string;
  let erp: FixtureErp;
  let rt: Runtime;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rpa-decide-'));
    process.env[PASSWORD_ENV] = 'Decide-Pw!2026';
    erp = await startFixtureErp({
      dataFile: path.join(dir, 'erp.json'),
      users: { bot: process.env[PASSWORD_ENV]! },
    });
    const config = configSchema.parse({
      dataDir: dir,
      queue: { mode: 'in-process', backoffMs: 10 },
      policyFile: POLICY,
      log: { level: 'error', console: false },
      targets: { erp: { baseUrl: erp.url, user: 'bot', password: { env: PASSWORD_ENV } } },
    });
    rt = await openRuntime(config, 'test');
    await rt.queue.start(pipelineHandlers(rt));
  }, 60_000);

  afterAll(async () => {
    if (rt) await shutdown(rt);
    await erp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('walks the case and records every decision', async () => {
    const { caseId } = await receiveFile(rt, {
      fileName: path.basename(HELD_PDF),
      bytes: readFileSync(HELD_PDF),
      arrival: { channel: 'cli', ref: HELD_PDF, detail: {} },
    });
    await rt.queue.waitUntilIdle();
    expect((await getCase(rt.db, caseId))?.state).toBe('held');
    expect(await getException(rt.db, caseId)).toMatchObject({
      code: 'TOTALS_MISMATCH',
      owner: 'ap-clerks',
      state: 'open',
    });

    await correctCase(rt, caseId, 'lena', { gross_total: '1041.49' });
    await rt.queue.waitUntilIdle();
    expect((await getCase(rt.db, caseId))?.state).toBe('awaiting-approval');
    const dueFirst = (await getApproval(rt.db, caseId))?.deadlineAt;
    expect(hoursUntil(dueFirst)).toBeCloseTo(48, 1);

    await expect(approveCase(rt, caseId, 'lena')).rejects.toMatchObject({
      code: 'SOD_VIOLATION',
      message: expect.stringContaining('SOD_EDITOR_CANNOT_APPROVE'),
    });
    await expect(approveCase(rt, caseId, 'fiona')).rejects.toMatchObject({
      code: 'NOT_AUTHORISED',
    });
    expect(await approveCase(rt, caseId, 'tom')).toBe('awaiting-approval');
    // The second level gets its own 48 hours from the first approval.
    const dueSecond = (await getApproval(rt.db, caseId))?.deadlineAt;
    expect(hoursUntil(dueSecond)).toBeCloseTo(48, 1);
    expect(dueSecond! > dueFirst!).toBe(true);
    await expect(approveCase(rt, caseId, 'tom')).rejects.toMatchObject({ code: 'SOD_VIOLATION' });
    expect(await approveCase(rt, caseId, 'fiona')).toBe('approved');
    await rt.queue.waitUntilIdle();

    expect((await getCase(rt.db, caseId))?.state).toBe('posted');
    const posted = erp.listInvoices().find((i) => i.invoiceNumber === '2025005578');
    expect(posted?.gross).toBe('1041.49');

    const events = (await listAudit(rt.db, caseId)).map((e) => `${e.actor} ${e.action}`);
    expect(events).toEqual(
      expect.arrayContaining([
        'bot:validate case.held',
        'bot:route exception.opened',
        'lena case.corrected',
        'bot:validate case.validated',
        'bot:route case.awaiting-approval',
        'lena decision.refused',
        'fiona decision.refused',
        'tom case.approved',
        'fiona case.approved',
        'bot:post-erp case.posted',
      ]),
    );
    // The refusal of the corrector comes after the correction and before any approval.
    const order = events.indexOf('lena decision.refused');
    expect(order).toBeGreaterThan(events.indexOf('lena case.corrected'));
    expect(order).toBeLessThan(events.indexOf('tom case.approved'));
    const audit = await listAudit(rt.db, caseId);
    const correction = audit.find((e) => e.action === 'case.corrected')!;
    expect(correction.data).toMatchObject({
      fields: { gross_total: { from: '1051.49', to: '1041.49' } },
      evidenceShown: { holdCode: 'TOTALS_MISMATCH' },
    });
    const refusal = audit.find((e) => e.action === 'decision.refused')!;
    expect(refusal.data).toMatchObject({ rule: 'SOD_EDITOR_CANNOT_APPROVE' });
    const final = audit.filter((e) => e.action === 'case.approved').at(-1)!;
    expect(final.data).toMatchObject({ isFinal: true, level: 2, of: 2 });
    // Who and when on every decision, and the evidence the approver saw.
    expect(final.actor).toBe('fiona');
    expect(Date.parse(final.at)).not.toBeNaN();
    expect(final.data).toMatchObject({
      evidenceShown: { invoiceNumber: '2025005578', grossTotal: '1041.49' },
    });
    const checks = (final.data.evidenceShown as { checks: Array<{ rule: string }> }).checks;
    expect(checks.map((k) => k.rule)).toContain('totals');
    // The summary counts the hold and the chain the corrected case waited in.
    const outcomes = await summariseOutcomes(rt.db);
    expect(outcomes.exceptionsByReason).toEqual({ TOTALS_MISMATCH: 1, APPROVAL_REQUIRED: 1 });
  }, 120_000);

  it('lets only the owner of an exception start overriding its hold', async () => {
    const bytes = Buffer.from(readFileSync(HELD_PDF));
    bytes[bytes.length - 3] = 0x20; // other bytes, same invoice: a duplicate hold for ap-leads
    const { caseId } = await receiveFile(rt, {
      fileName: 'again.pdf',
      bytes,
      arrival: { channel: 'cli', ref: 'again.pdf', detail: {} },
    });
    await rt.queue.waitUntilIdle();
    expect(await getException(rt.db, caseId)).toMatchObject({ owner: 'ap-leads' });
    await expect(approveCase(rt, caseId, 'tom')).rejects.toMatchObject({
      code: 'NOT_AUTHORISED',
      message: expect.stringContaining('NOT_IN_APPROVAL_CHAIN (ap-leads)'),
    });
    expect((await getCase(rt.db, caseId))?.state).toBe('held');
  });

  it('escalates an overdue exception to the next level and rejects for good', async () => {
    const bytes = Buffer.from(readFileSync(HELD_PDF));
    bytes[bytes.length - 2] = 0x20; // other bytes, same invoice: a duplicate hold
    const { caseId } = await receiveFile(rt, {
      fileName: 'copy.pdf',
      bytes,
      arrival: { channel: 'cli', ref: 'copy.pdf', detail: {} },
    });
    await rt.queue.waitUntilIdle();
    const before = await getException(rt.db, caseId);
    expect(before?.state).toBe('open');
    const later = new Date(Date.parse(before!.deadlineAt) + 1000);
    expect(await sweepEscalations(rt, later)).toBeGreaterThanOrEqual(1);
    const after = await getException(rt.db, caseId);
    expect(after?.level).toBe(1);
    expect(after!.deadlineAt > before!.deadlineAt).toBe(true);
    const events = await listAudit(rt.db, caseId);
    expect(events.some((e) => e.action === 'case.escalated')).toBe(true);
    await rejectCase(rt, caseId, 'lena', 'sent twice');
    expect((await getCase(rt.db, caseId))?.state).toBe('rejected');
  }, 60_000);
});
