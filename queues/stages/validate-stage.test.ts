import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRuntime } from '../../cli/open-runtime.ts';
import { configSchema } from '../../config/schema.ts';
import { generateInvoice, withWrongGross } from '../../fixtures/invoices/generate.ts';
import { writeInvoicePdf } from '../../fixtures/invoices/pdf.ts';
import { getCase } from '../../runner/store/cases.ts';
import { listChecks } from '../../runner/store/checks.ts';
import { getException } from '../../runner/store/exceptions.ts';
import { pipelineHandlers } from '../pipeline.ts';
import { type Runtime, shutdown } from '../runtime.ts';
import { receiveFile } from './receive.ts';

/**
 * The validate stage on a PDF that two checks hold: the totals rule comes first in rule order,
 * the IBAN code first in the demo policy's priority. The case must show the code and reason
 * its exception was opened for.
 */
const POLICY = path.resolve(import.meta.dirname, '../../fixtures/demo/policy.yaml');

describe('a case held by several checks', () => {
  let dir: string;
  let rt: Runtime;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rpa-validate-'));
    const config = configSchema.parse({
      dataDir: dir,
      queue: { mode: 'in-process', backoffMs: 10 },
      policyFile: POLICY,
      log: { level: 'error', console: false },
    });
    rt = await openRuntime(config, 'test');
    await rt.queue.start(pipelineHandlers(rt));
  }, 60_000);

  afterAll(async () => {
    if (rt) await shutdown(rt);
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the hold code and reason of its exception, the highest-priority one', async () => {
    const invoice = withWrongGross(
      generateInvoice({ seed: 52, vendorId: 'brandt', language: 'de' }),
      '10.00',
    );
    const iban = invoice.vendor.iban;
    const mistyped = `${iban.slice(0, -1)}${(Number(iban.slice(-1)) + 1) % 10}`;
    const pdf = writeInvoicePdf({ ...invoice, vendor: { ...invoice.vendor, iban: mistyped } });
    const { caseId } = await receiveFile(rt, {
      fileName: 'two-holds.pdf',
      bytes: pdf,
      arrival: { channel: 'cli', ref: 'two-holds.pdf', detail: {} },
    });
    await rt.queue.waitUntilIdle();

    const holds = (await listChecks(rt.db, caseId)).filter((k) => k.result === 'hold');
    expect(holds.map((k) => k.code)).toEqual(['TOTALS_MISMATCH', 'IBAN_INVALID']);
    const exception = await getException(rt.db, caseId);
    expect(exception).toMatchObject({ code: 'IBAN_INVALID', owner: 'treasury', state: 'open' });
    const c = await getCase(rt.db, caseId);
    expect(c).toMatchObject({ state: 'held', holdCode: exception!.code });
    expect(c?.holdReason).toBe(holds.find((k) => k.code === 'IBAN_INVALID')!.reason);
  });
});
