import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErpEvent } from '../../../fixtures/erp/server.ts';
import { silentLogger } from '../../../runner/logger.ts';
import { openPostingSession, type PostingSession, type PostRequest } from '../index.ts';
import {
  corpusInvoice,
  EN16931,
  type ErpWorld,
  expectedPosting,
  PASSWORD,
  startErpWorld,
} from '../test-support.ts';

/**
 * Habits of a real posting: a clerk enters the same invoice between the bot's search and its
 * save (the ERP answers E1060), a modal notice after login and a slow "processing" save, and
 * an auditor asks for a Playwright trace.
 */
describe.each(['v1', 'v2'] as const)('posting extras on release %s', (release) => {
  let world: ErpWorld;
  let session: PostingSession;
  let clerkTypesOnEntry: string | null = null;

  beforeAll(async () => {
    world = await startErpWorld(release, {
      onEvent: (e: ErpEvent) => {
        if (!clerkTypesOnEntry || e.kind !== 'request' || e.method !== 'GET') return;
        // The entry form of either release: after the bot's search, before its save.
        if (!/InvoiceEntry|voucher\/new/.test(e.path)) return;
        world.erp.addInvoice(clerkEntry(clerkTypesOnEntry, release));
        clerkTypesOnEntry = null;
      },
    });
    session = await openPostingSession({
      system: 'fixture-erp',
      baseUrl: world.erp.url,
      user: 'bot',
      password: PASSWORD,
      release: 'auto',
      browser: { headless: true, stepTimeoutMs: 10_000, trace: true },
      logger: silentLogger,
    });
  });

  afterAll(async () => {
    await session?.close();
    await world?.cleanup();
  });

  function request(invoiceNumber: string): PostRequest {
    const { invoice, originalPath } = corpusInvoice(EN16931);
    return {
      caseId: `case-${invoiceNumber}`,
      runId: 'run-extra',
      invoice: { ...invoice, invoice_number: invoiceNumber },
      originalPath,
      evidenceDir: mkdtempSync(path.join(world.dir, 'evidence-')),
    };
  }

  it('takes the existing number when the ERP answers E1060 at save', async () => {
    clerkTypesOnEntry = `E1060-${release}`;
    const req = request(`E1060-${release}`);
    const result = await session.post(req);
    const held = world.erp.listInvoices().filter((i) => i.invoiceNumber === `E1060-${release}`);
    expect(held).toHaveLength(1);
    expect(held[0]!.postedBy).toBe('clerk');
    expect(result).toMatchObject({
      alreadyPosted: true,
      erpDocumentNumber: held[0]!.documentNumber,
    });
    const names = result.steps.map((s) => s.step);
    expect(names).toContain('save');
    expect(names).not.toContain('read-document-number');
  });

  it('presses OK on a modal notice after login and waits out a "processing" screen', async () => {
    world.erp.setFaults({ noticeOnLogin: true, processingMs: 400 });
    world.erp.expireSessions();
    try {
      const req = request(`SLOW-${release}`);
      const result = await session.post(req);
      const held = world.erp.listInvoices().filter((i) => i.invoiceNumber === `SLOW-${release}`);
      expect(held).toHaveLength(1);
      expect(result).toMatchObject({
        alreadyPosted: false,
        erpDocumentNumber: held[0]!.documentNumber,
      });
      expect(result.steps.every((s) => s.status === 'ok' && s.screenshotPath)).toBe(true);
    } finally {
      world.erp.setFaults({ noticeOnLogin: false, processingMs: undefined });
    }
  });

  it('writes a Playwright trace per posting when browser.trace is on, without the password', async () => {
    // A fresh sign-in happens inside this posting: the trace pauses for it.
    world.erp.expireSessions();
    const req = request(`TRACE-${release}`);
    const result = await session.post(req);
    expect(result.erpDocumentNumber).toMatch(/^AP-/);
    const parts = ['trace.zip', 'trace-2.zip'].map((f) => path.join(req.evidenceDir, f));
    for (const part of parts) expect(existsSync(part)).toBe(true);
    const text = parts
      .flatMap((part) => Object.values(unzipSync(readFileSync(part))))
      .map((bytes) => Buffer.from(bytes).toString('latin1'))
      .join('\n');
    // The posting itself is in the trace, the password in none of its forms.
    expect(text).toContain(`TRACE-${release}`);
    for (const form of [PASSWORD, encodeURIComponent(PASSWORD), JSON.stringify(PASSWORD)]) {
      expect(text).not.toContain(form);
    }
  });
});

function clerkEntry(invoiceNumber: string, release: string) {
  const { invoice } = corpusInvoice(EN16931);
  const fields = expectedPosting({ ...invoice, invoice_number: invoiceNumber });
  return {
    ...(fields as Required<typeof fields>),
    attachment: null,
    postedBy: 'clerk',
    release,
  };
}
