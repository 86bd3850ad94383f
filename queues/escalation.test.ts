import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRuntime } from '../cli/open-runtime.ts';
import { configSchema } from '../config/schema.ts';
import { listAudit } from '../runner/audit.ts';
import { getCase } from '../runner/store/cases.ts';
import { getException } from '../runner/store/exceptions.ts';
import { startEscalation } from './escalation.ts';
import { pipelineHandlers } from './pipeline.ts';
import { type Runtime, shutdown } from './runtime.ts';
import { receiveFile } from './stages/receive.ts';

const REPO = path.resolve(import.meta.dirname, '..');
const HELD_PDF = path.join(REPO, 'fixtures/demo/08_Rechnung_2025005578.pdf');
/** 0.0005 hours: the TOTALS_MISMATCH deadline passes 1.8 s after the hold. */
const SHORT_DEADLINE_HOURS = '0.0005';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function untilTrue(probe: () => Promise<boolean>): Promise<void> {
  while (!(await probe())) await new Promise((r) => setTimeout(r, 200));
}

describe('escalation in queue mode (BullMQ delayed job)', () => {
  let dir: string;
  let redis: ChildProcess;
  let rt: Runtime;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rpa-escalate-'));
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    const redisUrl = `redis://127.0.0.1:${port}`;
    await untilTrue(async () => {
      const client = new Redis(redisUrl, { lazyConnect: true, retryStrategy: () => null });
      client.on('error', () => {});
      const isUp = await client.connect().then(
        () => true,
        () => false,
      );
      client.disconnect();
      return isUp;
    });
    const policy = readFileSync(path.join(REPO, 'config/examples/policy.yaml'), 'utf8').replace(
      'code: TOTALS_MISMATCH, owner: ap-clerks, deadlineHours: 24',
      `code: TOTALS_MISMATCH, owner: ap-clerks, deadlineHours: ${SHORT_DEADLINE_HOURS}`,
    );
    writeFileSync(path.join(dir, 'policy.yaml'), policy);
    copyFileSync(path.join(REPO, 'config/examples/users.yaml'), path.join(dir, 'users.yaml'));
    const config = configSchema.parse({
      dataDir: dir,
      redisUrl,
      queue: { mode: 'bullmq', prefix: 'esc-test', backoffMs: 10 },
      policyFile: path.join(dir, 'policy.yaml'),
      log: { level: 'error', console: false },
    });
    rt = await openRuntime(config, 'test');
    await rt.queue.start(pipelineHandlers(rt));
    startEscalation(rt);
  }, 60_000);

  afterAll(async () => {
    if (rt) await shutdown(rt);
    redis?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('moves the exception to the next level when its deadline passes', async () => {
    const { caseId } = await receiveFile(rt, {
      fileName: path.basename(HELD_PDF),
      bytes: readFileSync(HELD_PDF),
      arrival: { channel: 'cli', ref: HELD_PDF, detail: {} },
    });
    await untilTrue(async () => (await getCase(rt.db, caseId))?.state === 'held');
    expect(await getException(rt.db, caseId)).toMatchObject({ owner: 'ap-clerks', level: 0 });

    await untilTrue(async () => ((await getException(rt.db, caseId))?.level ?? 0) >= 1);
    expect(await getException(rt.db, caseId)).toMatchObject({ owner: 'ap-leads', level: 1 });
    const escalated = (await listAudit(rt.db, caseId)).find((e) => e.action === 'case.escalated');
    expect(escalated).toMatchObject({
      actor: 'bot:escalate',
      data: { code: 'TOTALS_MISMATCH', from: 'ap-clerks', to: 'ap-leads', level: 1 },
    });
  }, 60_000);
});
