import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openRuntime } from '../cli/open-runtime.ts';
import { loadConfig } from '../config/load.ts';
import { type ErpEvent, type ErpFaults, startFixtureErp } from '../fixtures/erp/server.ts';
import { listAudit } from '../runner/audit.ts';
import { getCase } from '../runner/store/cases.ts';
import { getPosting } from '../runner/store/postings.ts';
import { listSteps } from '../runner/store/steps.ts';
import { pipelineHandlers } from './pipeline.ts';
import { type Runtime, shutdown } from './runtime.ts';
import { receiveFile } from './stages/receive.ts';
import { retryFailedCase } from './stages/retry.ts';

/**
 * The post stage with its ledger and the queue's retry policy, against both UI releases and
 * every fault knob of the fixture ERP. XML invoices keep extraction out of the way.
 */
const DEMO = path.resolve(import.meta.dirname, '..', 'fixtures', 'demo');
const XML = ['05_2025001053_ubl.xml', '06_AB-04571.xml'];
const NUMBERS = ['2025001053', 'AB-04571'];

interface World {
  rt: Runtime;
  erp: Awaited<ReturnType<typeof startFixtureErp>>;
  events: ErpEvent[];
  dir: string;
}
const open: World[] = [];

async function startWorld(
  release: 'v1' | 'v2',
  faults: ErpFaults = {},
  more: { shadow?: boolean; stepTimeoutMs?: number; onEvent?: (e: ErpEvent) => void } = {},
): Promise<World> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rpa-post-stage-'));
  const events: ErpEvent[] = [];
  const erp = await startFixtureErp({
    dataFile: path.join(dir, 'erp.json'),
    users: { bot: 'pw' },
    release,
    faults,
    onEvent: (e) => {
      events.push(e);
      more.onEvent?.(e);
    },
  });
  process.env.RPA_POST_STAGE_PW = 'pw';
  const config = loadConfig(
    null,
    {},
    {
      dataDir: dir,
      queue: { mode: 'in-process', attempts: 4, backoffMs: 50 },
      targets: { erp: { baseUrl: erp.url, user: 'bot', password: { env: 'RPA_POST_STAGE_PW' } } },
      browser: { headless: true, stepTimeoutMs: more.stepTimeoutMs ?? 10_000 },
      post: { shadow: more.shadow ?? false },
      usersFile: path.resolve(import.meta.dirname, '..', 'config', 'examples', 'users.yaml'),
      log: { console: false },
    },
  );
  const rt = await openRuntime(config, 'test');
  await rt.queue.start(pipelineHandlers(rt));
  const world = { rt, erp, events, dir };
  open.push(world);
  return world;
}

afterEach(async () => {
  for (const w of open.splice(0)) {
    await shutdown(w.rt);
    await w.erp.close();
    rmSync(w.dir, { recursive: true, force: true });
  }
});

async function receive(w: World, name: string, bytes = readFileSync(path.join(DEMO, name))) {
  const arrival = { channel: 'folder' as const, ref: name, detail: {} };
  const { caseId } = await receiveFile(w.rt, { fileName: name, bytes, arrival });
  return caseId;
}

async function postAll(w: World): Promise<string[]> {
  const ids = [];
  for (const name of XML) ids.push(await receive(w, name));
  await w.rt.queue.waitUntilIdle();
  return ids;
}

/** Each invoice once in the ERP, each case posted with the ERP's number in the ledger. */
async function expectPostedOnce(w: World, caseIds: string[]): Promise<void> {
  const held = w.erp.listInvoices();
  expect(held.map((i) => i.invoiceNumber).sort()).toEqual([...NUMBERS].sort());
  for (const [index, caseId] of caseIds.entries()) {
    expect((await getCase(w.rt.db, caseId))?.state).toBe('posted');
    const posting = await getPosting(w.rt.db, caseId);
    const entry = held.find((i) => i.invoiceNumber === NUMBERS[index]);
    expect(posting).toMatchObject({ state: 'posted', erpDocumentNumber: entry?.documentNumber });
  }
}

describe.each(['v1', 'v2'] as const)('post stage against release %s', (release) => {
  it('posts through latency and seeded server errors, retrying system faults', async () => {
    const w = await startWorld(release, { latencyMs: 40, errorRate: 0.15, seed: 11 });
    const ids = await postAll(w);
    await expectPostedOnce(w, ids);
  });

  it('logs in again when the ERP ends the session between invoices', async () => {
    const w = await startWorld(release, { sessionTtlMs: 60_000 });
    const first = await receive(w, XML[0]!);
    await w.rt.queue.waitUntilIdle();
    w.erp.expireSessions();
    const second = await receive(w, XML[1]!);
    await w.rt.queue.waitUntilIdle();
    await expectPostedOnce(w, [first, second]);
    const logins = w.events.filter((e) => e.kind === 'request' && e.method === 'POST');
    expect(logins.filter((e) => e.kind === 'request' && /login/i.test(e.path))).toHaveLength(2);
  });

  it('resolves a save whose answer was lost by searching, never by entering again', async () => {
    const w = await startWorld(release, { loseSaveResponses: 1 }, { stepTimeoutMs: 3_000 });
    const ids = await postAll(w);
    await expectPostedOnce(w, ids);
    expect(w.events.filter((e) => e.kind === 'saved')).toHaveLength(2);
    expect((await getPosting(w.rt.db, ids[0]!))?.attempts).toBe(2);
  });

  it('shadow mode fills and photographs everything, saves nothing, leaves the case approved', async () => {
    const w = await startWorld(release, {}, { shadow: true });
    const caseId = await receive(w, XML[0]!);
    await w.rt.queue.waitUntilIdle();
    expect(w.erp.listInvoices()).toEqual([]);
    expect((await getCase(w.rt.db, caseId))?.state).toBe('approved');
    expect((await getPosting(w.rt.db, caseId))?.state).toBe('shadow');
    const actions = (await listAudit(w.rt.db, caseId)).map((e) => e.action);
    expect(actions).toContain('case.shadow-run');
    expect(actions).not.toContain('case.posted');
    const steps = await listSteps(w.rt.db, caseId);
    expect(steps.map((s) => s.step)).toEqual([
      'login',
      'find-existing',
      'open-entry-form',
      'fill-header',
      'fill-lines',
      'attach-original',
    ]);
    for (const s of steps) expect(existsSync(s.screenshotPath!)).toBe(true);
  });
});

describe('post stage: business rejections and browser crashes', () => {
  it('holds a case the ERP rejects, with the ERP message, screenshot and HTML', async () => {
    const w = await startWorld('v1');
    const xml = readFileSync(path.join(DEMO, XML[0]!), 'utf8').replace(
      '<cbc:DueDate>2025-12-13</cbc:DueDate>',
      '<cbc:DueDate>2025-11-01</cbc:DueDate>',
    );
    const caseId = await receive(w, 'due-before-issue.xml', Buffer.from(xml));
    await w.rt.queue.waitUntilIdle();
    const c = await getCase(w.rt.db, caseId);
    expect(c).toMatchObject({ state: 'held', holdCode: 'TARGET_REJECTED' });
    expect(c?.holdReason).toMatch(/^E1004: Due date must not be before the invoice date/);
    expect((await getPosting(w.rt.db, caseId))?.state).toBe('rejected');
    const failed = (await listSteps(w.rt.db, caseId)).find((s) => s.status === 'failed');
    expect(failed).toMatchObject({ step: 'save', errorCode: 'TARGET_REJECTED' });
    expect(readFileSync(failed!.htmlPath!, 'utf8')).toContain('E1004');
    expect(existsSync(failed!.screenshotPath!)).toBe(true);
    expect(w.erp.listInvoices()).toEqual([]);
  });

  it('starts a new browser when Chromium is killed mid-posting', async () => {
    let killed = 0;
    const w = await startWorld(
      'v1',
      { latencyMs: 30 },
      {
        onEvent: (e) => {
          // The entry form of the first invoice: Chromium dies with the form half done.
          if (killed > 0 || e.kind !== 'request' || !/InvoiceEntry/.test(e.path)) return;
          killed = killChromiumChildren();
        },
      },
    );
    const ids = await postAll(w);
    expect(killed).toBeGreaterThan(0);
    await expectPostedOnce(w, ids);
    const steps = await listSteps(w.rt.db, ids[0]!);
    expect(steps.some((s) => s.status === 'failed' && s.errorCode === 'BROWSER_FAILED')).toBe(true);
  });
});

/** SIGKILLs the Chromium browser processes this test process started; returns how many. */
function killChromiumChildren(): number {
  const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], {
    encoding: 'utf8',
  });
  let count = 0;
  for (const line of out.trim().split('\n')) {
    const [pid, comm] = line.trim().split(/\s+/);
    if (!pid || !/chrom/i.test(comm ?? '')) continue;
    process.kill(Number(pid), 'SIGKILL');
    count += 1;
  }
  return count;
}

describe('the log of a posting', () => {
  it('has one stage line per posting with the case, invoice number and ERP document number', async () => {
    const w = await startWorld('v1');
    const ids = await postAll(w);
    await expectPostedOnce(w, ids);
    const logFile = path.join(w.dir, 'logs', 'rpa.log');
    const posted = await vi.waitFor(() => {
      const lines = readFileSync(logFile, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.level !== 'debug' && /posted/i.test(String(line.message)));
      // One line an operator reads per posting, not one from the bot and one from the stage.
      expect(lines.map((line) => line.message)).toEqual(ids.map(() => 'Invoice posted'));
      return lines;
    });
    for (const [index, caseId] of ids.entries()) {
      const ledger = await getPosting(w.rt.db, caseId);
      expect(posted.filter((line) => line.caseId === caseId)).toEqual([
        expect.objectContaining({
          invoiceNumber: NUMBERS[index],
          erpDocumentNumber: ledger?.erpDocumentNumber,
        }),
      ]);
    }
  });
});

describe('a failed posting', () => {
  it('is retried by an operator once the ERP is back, and posted once', async () => {
    const w = await startWorld('v1', { errorRate: 1 });
    const caseId = await receive(w, XML[0]!);
    await w.rt.queue.waitUntilIdle();
    expect(await getCase(w.rt.db, caseId)).toMatchObject({
      state: 'failed',
      holdCode: 'TARGET_UNAVAILABLE',
    });
    w.erp.setFaults({ errorRate: 0 });
    expect(await retryFailedCase(w.rt, caseId, 'paul')).toBe('post');
    await w.rt.queue.waitUntilIdle();
    expect((await getCase(w.rt.db, caseId))?.state).toBe('posted');
    expect(w.erp.listInvoices().map((i) => i.invoiceNumber)).toEqual([NUMBERS[0]]);
    const retried = (await listAudit(w.rt.db, caseId)).find((e) => e.action === 'case.retried');
    expect(retried).toMatchObject({ actor: 'paul', data: { stage: 'post' } });
    await expect(retryFailedCase(w.rt, caseId, 'paul')).rejects.toMatchObject({
      code: 'CASE_STATE_CONFLICT',
    });
  });
});

describe('retrying a failed posting', () => {
  it('is refused to a user outside the directory and to one without the poster role', async () => {
    const w = await startWorld('v1', { errorRate: 1 });
    const caseId = await receive(w, XML[0]!);
    await w.rt.queue.waitUntilIdle();
    expect((await getCase(w.rt.db, caseId))?.state).toBe('failed');
    w.erp.setFaults({ errorRate: 0 });
    const before = (await listAudit(w.rt.db, caseId)).length;
    await expect(retryFailedCase(w.rt, caseId, 'zz-unknown')).rejects.toMatchObject({
      code: 'USER_UNKNOWN',
    });
    expect(await listAudit(w.rt.db, caseId)).toHaveLength(before);
    await expect(retryFailedCase(w.rt, caseId, 'tom')).rejects.toMatchObject({
      code: 'SOD_VIOLATION',
      details: { rule: 'SOD_ROLE_MISSING_POSTER' },
    });
    const events = await listAudit(w.rt.db, caseId);
    expect(events.map((e) => e.action)).not.toContain('case.retried');
    expect(events.at(-1)).toMatchObject({
      actor: 'tom',
      action: 'decision.refused',
      data: { action: 'retry', rule: 'SOD_ROLE_MISSING_POSTER' },
    });
    await w.rt.queue.waitUntilIdle();
    expect((await getCase(w.rt.db, caseId))?.state).toBe('failed');
    expect(w.erp.listInvoices()).toEqual([]);
  });
});

describe('a refused ERP password', () => {
  it('fails the case after one login, not one per attempt, so the account is not locked', async () => {
    const w = await startWorld('v1');
    process.env.RPA_POST_STAGE_PW = 'not-the-password';
    const caseId = await receive(w, XML[0]!);
    await w.rt.queue.waitUntilIdle();
    expect(await getCase(w.rt.db, caseId)).toMatchObject({
      state: 'failed',
      holdCode: 'TARGET_LOGIN_FAILED',
    });
    const logins = w.events.filter(
      (e) => e.kind === 'request' && e.method === 'POST' && /login/i.test(e.path),
    );
    expect(logins).toHaveLength(1);
    process.env.RPA_POST_STAGE_PW = 'pw';
    await retryFailedCase(w.rt, caseId, 'paul');
    await w.rt.queue.waitUntilIdle();
    expect((await getCase(w.rt.db, caseId))?.state).toBe('posted');
  });
});
