import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { isRetryable, messageOf } from '../runner/errors.ts';
import type { Logger } from '../runner/logger.ts';
import {
  jobIdFor,
  type QueueBackend,
  type QueueSettings,
  STAGES,
  type Stage,
  type StageHandler,
  type StagePayload,
} from './names.ts';

const IDLE_POLL_MS = 200;

/**
 * One BullMQ queue per stage on a shared Redis. Many `rpa worker` processes on many hosts can
 * consume the same queues; BullMQ's locks give each job to one worker at a time. Business
 * errors are wrapped in UnrecoverableError so BullMQ does not retry them; failed jobs stay in
 * Redis as the dead-letter list.
 */
export class BullmqQueue implements QueueBackend {
  readonly mode = 'bullmq' as const;
  private readonly queues: Map<Stage, Queue>;
  private readonly workers: Worker[] = [];
  private readonly connection: Redis;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
    private readonly settings: QueueSettings,
    private readonly logger: Logger,
  ) {
    this.connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.queues = new Map(
      STAGES.map((stage) => [stage, new Queue(stage, { connection: this.connection, prefix })]),
    );
  }

  async enqueue(stage: Stage, payload: StagePayload): Promise<void> {
    await this.queues.get(stage)!.add(stage, payload, {
      jobId: jobIdFor(stage, payload),
      attempts: this.settings.attempts,
      backoff: { type: 'exponential', delay: this.settings.backoffMs },
      removeOnComplete: true,
      removeOnFail: { count: 10_000 },
    });
  }

  async start(handlers: Record<Stage, StageHandler>): Promise<void> {
    for (const stage of STAGES) {
      const worker = new Worker<StagePayload>(
        stage,
        async (job) => {
          const attempt = { attempt: job.attemptsMade + 1, maxAttempts: job.opts.attempts ?? 1 };
          try {
            await handlers[stage](job.data, attempt);
          } catch (error) {
            if (isRetryable(error)) throw error;
            throw new UnrecoverableError(messageOf(error));
          }
        },
        {
          connection: this.connection.duplicate(),
          prefix: this.prefix,
          concurrency: stage === 'post' ? this.settings.postConcurrency : this.settings.concurrency,
        },
      );
      worker.on('error', (error) =>
        this.logger.warn('Queue worker error', { queue: stage, error: messageOf(error) }),
      );
      this.workers.push(worker);
    }
  }

  async waitUntilIdle(): Promise<void> {
    // Two idle readings in a row: a job hands on to the next stage before it completes, so one
    // reading can fall between the two.
    let idleReadings = 0;
    while (idleReadings < 2) {
      idleReadings = (await this.pendingJobs()) === 0 ? idleReadings + 1 : 0;
      await new Promise((r) => setTimeout(r, IDLE_POLL_MS));
    }
  }

  private async pendingJobs(): Promise<number> {
    let total = 0;
    for (const queue of this.queues.values()) {
      const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'paused');
      total += Object.values(counts).reduce((a, b) => a + b, 0);
    }
    return total;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await this.connection.quit().catch(() => {});
  }
}

/** True when Redis answers PING within `timeoutMs`. */
export async function isRedisReachable(url: string, timeoutMs = 1500): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
