import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeOf, type RpaError } from '../../../runner/errors.ts';
import type { Logger } from '../../../runner/logger.ts';
import { DEFAULT_SELECTORS_DIR } from '../../../runner/selectors.ts';
import { openPostingSession, type PostingSession, type PostRequest } from '../index.ts';
import {
  corpusInvoice,
  EINFACH,
  type ErpWorld,
  type LogLine,
  PASSWORD,
  recordingLogger,
  startErpWorld,
} from '../test-support.ts';

let world: ErpWorld;
const sessions: PostingSession[] = [];
let seq = 0;

function request(invoiceNumber: string, change: Partial<PostRequest> = {}): PostRequest {
  const { invoice, originalPath } = corpusInvoice(EINFACH);
  seq += 1;
  return {
    caseId: `case-${seq}`,
    runId: 'run-faults',
    invoice: { ...invoice, invoice_number: invoiceNumber },
    originalPath,
    evidenceDir: mkdtempSync(path.join(world.dir, `evidence-${seq}-`)),
    ...change,
  };
}

async function open(
  logger: Logger,
  change: { stepTimeoutMs?: number; selectorsDir?: string } = {},
): Promise<PostingSession> {
  const session = await openPostingSession({
    system: 'fixture-erp',
    baseUrl: world.erp.url,
    user: 'bot',
    password: PASSWORD,
    release: 'auto',
    browser: { headless: true, stepTimeoutMs: change.stepTimeoutMs ?? 10_000 },
    logger,
    selectorsDir: change.selectorsDir,
  });
  sessions.push(session);
  return session;
}

beforeAll(async () => {
  world = await startErpWorld('v1');
});

afterEach(() => {
  world.erp.setFaults({ errorRate: 0, latencyMs: 0, loseSaveResponses: 0 });
});

afterAll(async () => {
  for (const s of sessions) await s.close();
  await world?.cleanup();
});

describe('posting when the ERP misbehaves', () => {
  it('raises TARGET_UNAVAILABLE (a system fault) when the ERP answers 500', async () => {
    const session = await open(recordingLogger([]));
    world.erp.setFaults({ errorRate: 1 });
    const error = (await session.post(request('F-500')).catch((e: unknown) => e)) as RpaError;
    expect(errorCodeOf(error)).toBe('TARGET_UNAVAILABLE');
    expect(error.kind).toBe('system');
    expect(error.message).toContain('HTTP 500');
    expect(world.erp.listInvoices()).toHaveLength(0);
  });

  it('raises TARGET_UNAVAILABLE when the ERP is slower than the step timeout', async () => {
    const session = await open(recordingLogger([]), { stepTimeoutMs: 1_000 });
    world.erp.setFaults({ latencyMs: 1_500 });
    const error = await session.post(request('F-SLOW')).catch((e: unknown) => e);
    expect(errorCodeOf(error)).toBe('TARGET_UNAVAILABLE');
  });

  it('still posts through a slow ERP within the step timeout', async () => {
    const session = await open(recordingLogger([]));
    world.erp.setFaults({ latencyMs: 150 });
    const result = await session.post(request('F-LATENCY'));
    expect(result.erpDocumentNumber).toMatch(/^AP-/);
  });

  it('marks a save without an answer POSTING_UNKNOWN, and the retry finds it instead of posting twice', async () => {
    const session = await open(recordingLogger([]), { stepTimeoutMs: 2_000 });
    world.erp.setFaults({ loseSaveResponses: 1 });
    const error = (await session.post(request('F-LOST')).catch((e: unknown) => e)) as RpaError;
    expect(errorCodeOf(error)).toBe('POSTING_UNKNOWN');
    const saved = world.erp.listInvoices().filter((i) => i.invoiceNumber === 'F-LOST');
    expect(saved).toHaveLength(1);
    const retry = await session.post(request('F-LOST'));
    expect(retry).toMatchObject({
      alreadyPosted: true,
      erpDocumentNumber: saved[0]?.documentNumber,
    });
    expect(world.erp.listInvoices().filter((i) => i.invoiceNumber === 'F-LOST')).toHaveLength(1);
  });

  it('logs in again and starts over when the session dies in the middle of an entry', async () => {
    const lines: LogLine[] = [];
    const logger = recordingLogger(lines);
    let expired = false;
    // Ends the ERP session the moment the bot reaches the save step, as an idle timeout would.
    const expiring: Logger = tap(logger, (message, step) => {
      if (!expired && message === 'step started' && step === 'save') {
        expired = true;
        world.erp.expireSessions();
      }
    });
    const session = await open(expiring);
    const result = await session.post(request('F-EXPIRE'));
    expect(result.erpDocumentNumber).toMatch(/^AP-/);
    expect(result.steps.filter((s) => s.step === 'save').map((s) => s.status)).toEqual([
      'failed',
      'ok',
    ]);
    expect(result.steps.find((s) => s.status === 'failed')?.errorCode).toBe('SESSION_EXPIRED');
    expect(world.erp.listInvoices().filter((i) => i.invoiceNumber === 'F-EXPIRE')).toHaveLength(1);
  });

  it('fills and photographs every field in shadow mode but saves nothing', async () => {
    const session = await open(recordingLogger([]));
    const before = world.erp.listInvoices().length;
    const result = await session.post(request('F-SHADOW', { shadow: true }));
    expect(result).toMatchObject({ erpDocumentNumber: null, alreadyPosted: false });
    expect(result.steps.map((s) => s.step)).not.toContain('save');
    expect(result.steps.at(-1)?.step).toBe('attach-original');
    expect(existsSync(result.steps.find((s) => s.step === 'fill-lines')!.screenshotPath!)).toBe(
      true,
    );
    expect(world.erp.listInvoices()).toHaveLength(before);
  });

  it('falls back to the next selector when a primary one is broken, and says so', async () => {
    const dir = mkdtempSync(path.join(world.dir, 'selectors-'));
    cpSync(DEFAULT_SELECTORS_DIR, dir, { recursive: true });
    const file = path.join(dir, 'fixture-erp', 'v1.yaml');
    const map = parseYaml(readFileSync(file, 'utf8'));
    map.elements['invoice.vendor_name'].primary = '#ctl00_ph_OLD_txtVendor';
    map.elements['line.description'].primary = '#ctl00_ph_OLD_r{row}_txtDesc';
    const broken = stringifyYaml(map);
    writeFileSync(file, broken);
    const lines: LogLine[] = [];
    const session = await open(recordingLogger(lines), { selectorsDir: dir });
    const req = request('F-FALLBACK');
    const result = await session.post(req);
    expect(result.erpDocumentNumber).toMatch(/^AP-/);
    const stored = world.erp.listInvoices().find((i) => i.invoiceNumber === 'F-FALLBACK');
    expect(stored?.vendorName).toBe(req.invoice.seller_name);
    expect(stored?.lines.map((l) => l.description)).toEqual(
      req.invoice.line_items?.map((l) => l.description),
    );
    const fallbacks = lines.filter((l) => l.message === 'selector fallback used');
    expect(new Set(fallbacks.map((l) => l.element))).toEqual(
      new Set(['invoice.vendor_name', 'line.description']),
    );
  });
});

/** A logger that also shows each line to `watch`, with the step it belongs to. */
function tap(
  inner: Logger,
  watch: (message: string, step?: string) => void,
  step?: string,
): Logger {
  const wrap =
    (level: 'error' | 'warn' | 'info' | 'debug') => (message: string, fields?: object) => {
      watch(message, step);
      inner[level](message, fields);
    };
  return {
    error: wrap('error'),
    warn: wrap('warn'),
    info: wrap('info'),
    debug: wrap('debug'),
    child: (fields) => tap(inner.child(fields), watch, fields.step ?? step),
  };
}
