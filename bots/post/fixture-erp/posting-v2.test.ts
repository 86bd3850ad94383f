import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeOf } from '../../../runner/errors.ts';
import { openPostingSession, type PostingSession, type PostRequest } from '../index.ts';
import {
  AZURE,
  corpusInvoice,
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

function request(pdf: string, caseId: string): PostRequest {
  const { invoice, originalPath } = corpusInvoice(pdf);
  return {
    caseId,
    runId: 'run-v2',
    invoice,
    originalPath,
    evidenceDir: mkdtempSync(path.join(world.dir, `${caseId}-`)),
  };
}

beforeAll(async () => {
  world = await startErpWorld('v2');
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

describe('posting into the fixture ERP release 2.0', () => {
  it('detects release v2 and posts through its confirmation dialog, ISO dates and decimal commas', async () => {
    const first = request(EN16931, 'v2-a');
    const second = request(AZURE, 'v2-b');
    const a = await session.post(first);
    const b = await session.post(second);
    expect(a.release).toBe('v2');
    expect([a.alreadyPosted, b.alreadyPosted]).toEqual([false, false]);
    const stored = world.erp.listInvoices();
    expect(stored[0]).toMatchObject({
      ...expectedPosting(first.invoice),
      documentNumber: a.erpDocumentNumber,
      release: 'v2',
    });
    expect(stored[1]).toMatchObject({
      ...expectedPosting(second.invoice),
      documentNumber: b.erpDocumentNumber,
    });
    expect(logs.some((l) => l.message === 'selector fallback used')).toBe(false);
  });

  it('finds a v2 posting again and enters nothing', async () => {
    const again = await session.post(request(EN16931, 'v2-c'));
    expect(again.alreadyPosted).toBe(true);
    expect(world.erp.listInvoices()).toHaveLength(2);
  });

  it('refuses to open a session with a release that has no selector map', async () => {
    const error = await openPostingSession({
      system: 'fixture-erp',
      baseUrl: world.erp.url,
      user: 'bot',
      password: PASSWORD,
      release: 'v9',
      browser: { headless: true, stepTimeoutMs: 5_000 },
      logger: recordingLogger([]),
    }).catch((e: unknown) => e);
    expect(errorCodeOf(error)).toBe('SELECTOR_MAP_INVALID');
  });

  it('stops at login with TARGET_LOGIN_FAILED when the ERP refuses the password', async () => {
    const wrong = await openPostingSession({
      system: 'fixture-erp',
      baseUrl: world.erp.url,
      user: 'bot',
      password: 'not-the-password',
      release: 'auto',
      browser: { headless: true, stepTimeoutMs: 5_000 },
      logger: recordingLogger([]),
    });
    try {
      const error = await wrong.post(request(EN16931, 'v2-d')).catch((e: unknown) => e);
      expect(errorCodeOf(error)).toBe('TARGET_LOGIN_FAILED');
      expect((error as Error).message).toContain('Invalid user name or password.');
      expect((error as Error).message).not.toContain('not-the-password');
    } finally {
      await wrong.close();
    }
  });
});
