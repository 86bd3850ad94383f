import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRuntime } from '../cli/open-runtime.ts';
import { loadConfig } from '../config/load.ts';
import { type FixtureErp, startFixtureErp } from '../fixtures/erp/server.ts';
import { verifyAuditChain } from '../runner/audit.ts';
import { getCase } from '../runner/store/cases.ts';
import { listSteps } from '../runner/store/steps.ts';
import { pipelineHandlers } from './pipeline.ts';
import { type Runtime, shutdown } from './runtime.ts';
import { receiveFile } from './stages/receive.ts';

/**
 * The same stages on both backends: BullMQ on the real Redis at REDIS_URL with PostgreSQL (the
 * local server when it answers, else PGlite), and the in-process queue with PGlite. Three demo
 * invoices go in; two are posted into the fixture ERP through Chromium, one is held.
 */
const DEMO = path.resolve(import.meta.dirname, '..', 'fixtures', 'demo');
const FILES = ['05_2025001053_ubl.xml', '02_INV-000468.pdf', '08_Rechnung_2025005578.pdf'];
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const pgAdminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function makeServerDatabase(name: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: pgAdminUrl, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    return pgAdminUrl.replace(/\/[^/]*$/, `/${name}`);
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

describe.each([
  ['in-process', 'in-process'],
  ['bullmq', 'bullmq'],
] as const)('pipeline on the %s queue', (_name, mode) => {
  const suffix = randomBytes(4).toString('hex');
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'rpa-pipeline-'));
  const dbName = `rpa_pipeline_${suffix}`;
  let erp: FixtureErp;
  let rt: Runtime;
  let databaseUrl: string | undefined;

  beforeAll(async () => {
    erp = await startFixtureErp({
      dataFile: path.join(workDir, 'erp.json'),
      users: { bot: suffix },
    });
    process.env[`RPA_TEST_ERP_${suffix}`] = suffix;
    databaseUrl = mode === 'bullmq' ? await makeServerDatabase(dbName) : undefined;
    const config = loadConfig(
      null,
      {},
      {
        dataDir: workDir,
        databaseUrl,
        redisUrl: mode === 'bullmq' ? redisUrl : undefined,
        queue: { mode, prefix: `rpa-test-${suffix}`, backoffMs: 50 },
        targets: {
          erp: { baseUrl: erp.url, user: 'bot', password: { env: `RPA_TEST_ERP_${suffix}` } },
        },
        log: { console: false },
      },
    );
    rt = await openRuntime(config, 'test');
    await rt.queue.start(pipelineHandlers(rt));
  });

  afterAll(async () => {
    await shutdown(rt);
    await erp.close();
    rmSync(workDir, { recursive: true, force: true });
    if (mode === 'bullmq') await dropQueueKeys(`rpa-test-${suffix}`);
    if (databaseUrl) await dropDatabase(dbName);
  });

  it('posts the good invoices once, holds the bad one, and keeps the audit chain intact', async () => {
    const cases = [];
    for (const name of FILES) {
      const bytes = readFileSync(path.join(DEMO, name));
      const arrival = { channel: 'folder' as const, ref: name, detail: {} };
      cases.push(await receiveFile(rt, { fileName: name, bytes, arrival }));
      await receiveFile(rt, {
        fileName: name,
        bytes,
        arrival: { ...arrival, ref: `again/${name}` },
      });
    }
    await rt.queue.waitUntilIdle();
    const states = await Promise.all(
      cases.map(async (c) => (await getCase(rt.db, c.caseId))?.state),
    );
    expect(states).toEqual(['posted', 'posted', 'held']);
    expect((await getCase(rt.db, cases[2]!.caseId))?.holdCode).toBe('TOTALS_MISMATCH');
    const posted = erp
      .listInvoices()
      .map((i) => `${i.invoiceNumber} ${i.gross}`)
      .sort();
    expect(posted).toEqual(['2025001053 562.06', 'INV-000468 216.00']);
    const steps = await listSteps(rt.db, cases[0]!.caseId);
    expect(steps.every((s) => s.status === 'ok' && s.screenshotPath)).toBe(true);
    expect(await verifyAuditChain(rt.db)).toMatchObject({ isIntact: true });
  });
});

async function dropQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}

async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgAdminUrl });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.end();
}
