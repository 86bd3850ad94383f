import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { BusinessError, SystemError } from '../runner/errors.ts';
import { silentLogger } from '../runner/logger.ts';
import { BullmqQueue } from './bullmq-queue.ts';
import { InProcessQueue } from './in-process.ts';
import type { QueueBackend, Stage, StageHandler, StagePayload } from './names.ts';

/**
 * Both backends must give bots the same behaviour: hand-offs between stages, retries of
 * system errors only, and a reliable "idle" for `rpa run`. BullMQ runs against the real Redis
 * at REDIS_URL (scripts/test.sh provides one) under a fresh key prefix per test.
 */
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const settings = { attempts: 3, backoffMs: 10, concurrency: 2, postConcurrency: 1 };
const opened: Array<{ queue: QueueBackend; prefix?: string }> = [];

function inProcess(): QueueBackend {
  const queue = new InProcessQueue(settings);
  opened.push({ queue });
  return queue;
}

function bullmq(): QueueBackend {
  const prefix = `rpa-test-${randomBytes(4).toString('hex')}`;
  const queue = new BullmqQueue(redisUrl, prefix, settings, silentLogger);
  opened.push({ queue, prefix });
  return queue;
}

afterEach(async () => {
  const redis = new Redis(redisUrl);
  for (const { queue, prefix } of opened.splice(0)) {
    await queue.close();
    if (prefix) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
    }
  }
  redis.disconnect();
});

function handlers(log: string[], failures: Partial<Record<Stage, Error[]>> = {}) {
  const make =
    (stage: Stage, next?: Stage, queue?: () => QueueBackend): StageHandler =>
    async (payload: StagePayload, attempt) => {
      log.push(`${stage}:${payload.caseId}:${attempt.attempt}`);
      const failure = failures[stage]?.shift();
      if (failure) throw failure;
      if (next) await queue!().enqueue(next, payload);
    };
  return make;
}

describe.each([
  ['in-process', inProcess],
  ['bullmq', bullmq],
])('%s queue', (_name, open) => {
  it('hands a case through every stage and reports idle at the end', async () => {
    const queue = open();
    const log: string[] = [];
    const make = handlers(log);
    await queue.start({
      extract: make('extract', 'validate', () => queue),
      validate: make('validate', 'route', () => queue),
      route: make('route', 'post', () => queue),
      post: make('post'),
    });
    await queue.enqueue('extract', { caseId: 'C-1', runId: 'R-1' });
    await queue.enqueue('extract', { caseId: 'C-2', runId: 'R-1' });
    await queue.waitUntilIdle();
    expect(log.filter((l) => l.startsWith('post:')).sort()).toEqual(['post:C-1:1', 'post:C-2:1']);
    expect(log).toHaveLength(8);
  });

  it('retries a system error with backoff and never a business error', async () => {
    const queue = open();
    const log: string[] = [];
    const make = handlers(log, {
      extract: [
        new SystemError('TARGET_UNAVAILABLE', 'down'),
        new SystemError('TARGET_UNAVAILABLE', 'down'),
      ],
      validate: [new BusinessError('TOTALS_MISMATCH', 'no')],
    });
    await queue.start({
      extract: make('extract', 'validate', () => queue),
      validate: make('validate', 'route', () => queue),
      route: make('route'),
      post: make('post'),
    });
    await queue.enqueue('extract', { caseId: 'C-9', runId: 'R-1' });
    await queue.waitUntilIdle();
    expect(log).toEqual(['extract:C-9:1', 'extract:C-9:2', 'extract:C-9:3', 'validate:C-9:1']);
  });
});
