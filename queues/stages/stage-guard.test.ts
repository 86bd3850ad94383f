import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRuntime } from '../../cli/open-runtime.ts';
import { configSchema } from '../../config/schema.ts';
import { listAudit } from '../../runner/audit.ts';
import { getCase } from '../../runner/store/cases.ts';
import { getException } from '../../runner/store/exceptions.ts';
import { pipelineHandlers } from '../pipeline.ts';
import { type Runtime, shutdown } from '../runtime.ts';
import { receiveFile } from './receive.ts';

const POLICY = path.resolve(import.meta.dirname, '../../config/examples/policy.yaml');

describe('guardStage on a business error', () => {
  let dir: string;
  let rt: Runtime;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rpa-guard-'));
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

  it('holds an unreadable file and opens its exception with the policy owner and deadline', async () => {
    const bytes = new TextEncoder().encode('%PDF-1.4\n1 0 obj\n<< /Type /Catalog');
    const startedMs = Date.now();
    const { caseId } = await receiveFile(rt, {
      fileName: 'cut-off.pdf',
      bytes,
      arrival: { channel: 'cli', ref: 'cut-off.pdf', detail: {} },
    });
    await rt.queue.waitUntilIdle();

    expect(await getCase(rt.db, caseId)).toMatchObject({
      state: 'held',
      holdCode: 'FILE_UNREADABLE',
    });
    const exception = await getException(rt.db, caseId);
    // FILE_UNREADABLE is not listed in the example policy: the default route applies (24 h).
    expect(exception).toMatchObject({ code: 'FILE_UNREADABLE', owner: 'ap-clerks', state: 'open' });
    const hours = (Date.parse(exception!.deadlineAt) - startedMs) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThan(24.1);
    const actions = (await listAudit(rt.db, caseId)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['case.held', 'exception.opened']));
  });
});
