import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeOf, type RpaError } from '../../../runner/errors.ts';
import { openPostingSession, type PostingSession, type PostRequest } from '../index.ts';
import {
  AZURE,
  corpusInvoice,
  EINFACH,
  EN16931,
  type ErpWorld,
  expectedPosting,
  type LogLine,
  PASSWORD,
  recordingLogger,
  startErpWorld,
} from '../test-support.ts';

let world: ErpWorld;
let session: PostingSession;
const logs: LogLine[] = [];
let seq = 0;

function request(pdf: string, change: Partial<PostRequest> = {}): PostRequest {
  const { invoice, originalPath } = corpusInvoice(pdf);
  seq += 1;
  return {
    caseId: `case-${seq}`,
    runId: 'run-1',
    invoice,
    originalPath,
    evidenceDir: mkdtempSync(path.join(world.dir, `evidence-${seq}-`)),
    ...change,
  };
}

beforeAll(async () => {
  world = await startErpWorld('v1');
  session = await openPostingSession({
    system: 'fixture-erp',
    baseUrl: world.erp.url,
    user: 'bot',
    password: PASSWORD,
    release: 'auto',
    browser: { headless: true, stepTimeoutMs: 10_000 },
    logger: recordingLogger(logs),
  });
});

afterAll(async () => {
  await session?.close();
  await world?.cleanup();
});

describe('posting into the fixture ERP (release 1.4)', () => {
  it('posts two corpus invoices and the ERP holds exactly the fields entered', async () => {
    const first = request(EN16931);
    const second = request(EINFACH);
    const a = await session.post(first);
    const b = await session.post(second);
    expect(a.erpDocumentNumber).toMatch(/^AP-\d{4}-000001$/);
    expect(b.erpDocumentNumber).toMatch(/^AP-\d{4}-000002$/);
    expect([a.alreadyPosted, b.alreadyPosted, a.release]).toEqual([false, false, 'v1']);
    const stored = world.erp.listInvoices();
    expect(stored).toHaveLength(2);
    expect(stored[0]).toMatchObject({
      ...expectedPosting(first.invoice),
      documentNumber: a.erpDocumentNumber,
      attachment: { fileName: 'invoice_EN16931.pdf' },
      postedBy: 'bot',
    });
    expect(stored[1]).toMatchObject({
      ...expectedPosting(second.invoice),
      documentNumber: b.erpDocumentNumber,
    });
    expect(stored[0]?.attachment?.bytes).toBe(readFileSync(first.originalPath).length);
  });

  it('leaves one full-page screenshot per step, numbered in order; reading the number shares the save shot', async () => {
    const req = request(AZURE);
    const result = await session.post(req);
    expect(result.steps.map((s) => s.step)).toEqual([
      'login',
      'find-existing',
      'open-entry-form',
      'fill-header',
      'fill-lines',
      'attach-original',
      'save',
      'read-document-number',
    ]);
    expect(result.steps.every((s) => s.status === 'ok')).toBe(true);
    const shots = result.steps.slice(0, -1);
    expect(readdirSync(req.evidenceDir).sort()).toEqual(
      shots.map((s, i) => `${String(i + 1).padStart(2, '0')}-${s.step}.png`),
    );
    for (const s of result.steps) expect(existsSync(s.screenshotPath!)).toBe(true);
    // The number is read off the screen the save step photographed.
    expect(result.steps.at(-1)!.screenshotPath).toBe(result.steps.at(-2)!.screenshotPath);
    expect(world.erp.listInvoices().at(-1)?.lines).toHaveLength(4);
  });

  it('finds an invoice posted before and enters nothing again', async () => {
    const before = world.erp.listInvoices();
    const again = await session.post(request(EN16931));
    expect(again).toMatchObject({
      alreadyPosted: true,
      erpDocumentNumber: before[0]?.documentNumber,
    });
    expect(again.steps.map((s) => s.step)).toEqual(['login', 'find-existing']);
    expect(world.erp.listInvoices()).toEqual(before);
    const found = await session.findPosted('lieferant gmbh', '471102');
    expect(found).toBe(before[1]?.documentNumber);
    expect(await session.findPosted('Lieferant GmbH', '47110')).toBeNull();
  });

  it('reports a rejection by the ERP as TARGET_REJECTED with the ERP message', async () => {
    const req = request(EINFACH);
    req.invoice = { ...req.invoice, invoice_number: 'REJ-1', gross_total: '999.99' };
    const count = world.erp.listInvoices().length;
    const error = (await session.post(req).catch((e: unknown) => e)) as RpaError;
    expect(errorCodeOf(error)).toBe('TARGET_REJECTED');
    expect(error.kind).toBe('business');
    expect(error.message).toBe(
      'E1042: Gross amount 999.99 does not equal net amount 473.00 plus tax amount 56.87.',
    );
    const steps = error.details.steps as Array<{ step: string; status: string; htmlPath?: string }>;
    const failed = steps.at(-1)!;
    expect(failed).toMatchObject({ step: 'save', status: 'failed', errorCode: 'TARGET_REJECTED' });
    expect(readFileSync(failed.htmlPath!, 'utf8')).toContain('E1042');
    expect(world.erp.listInvoices()).toHaveLength(count);
  });

  it('logs in again when the ERP ended the session between invoices', async () => {
    world.erp.expireSessions();
    const req = request(EINFACH);
    req.invoice = { ...req.invoice, invoice_number: 'EXP-1' };
    const result = await session.post(req);
    expect(result.erpDocumentNumber).toMatch(/^AP-/);
    expect(logs.some((l) => l.message === 'logging in' && l.caseId === req.caseId)).toBe(true);
  });

  it('never writes the password into a log line or a page snapshot', async () => {
    const evidence = readdirSync(world.dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.html'))
      .map((e) => readFileSync(path.join(e.parentPath, e.name), 'utf8'));
    expect(evidence.length).toBeGreaterThan(0);
    expect(evidence.some((html) => html.includes(PASSWORD))).toBe(false);
    expect(JSON.stringify(logs)).not.toContain(PASSWORD);
  });
});
