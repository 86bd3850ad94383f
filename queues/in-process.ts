import { isRetryable } from '../runner/errors.ts';
import {
  backoffDelayMs,
  jobIdFor,
  type QueueBackend,
  type QueueSettings,
  STAGES,
  type Stage,
  type StageHandler,
  type StagePayload,
} from './names.ts';

interface Job {
  stage: Stage;
  payload: StagePayload;
  attempt: number;
}

/**
 * The embedded queue: one process, no Redis. Same semantics as the BullMQ backend where it
 * matters to bots: at-least-once delivery, a job id per stage and case (a second enqueue of a
 * waiting job is dropped), retries with exponential backoff for retryable errors only, and
 * a concurrency limit per stage. Nothing survives a restart; `rpa run` re-reads the store.
 */
export class InProcessQueue implements QueueBackend {
  readonly mode = 'in-process' as const;
  private readonly waiting = new Map<Stage, Job[]>(STAGES.map((s) => [s, []]));
  private readonly queuedIds = new Set<string>();
  private readonly active = new Map<Stage, number>(STAGES.map((s) => [s, 0]));
  private delayedCount = 0;
  private handlers?: Record<Stage, StageHandler>;
  private idleWaiters: Array<() => void> = [];
  private isClosed = false;

  constructor(private readonly settings: QueueSettings) {}

  async enqueue(stage: Stage, payload: StagePayload): Promise<void> {
    const id = jobIdFor(stage, payload);
    if (this.queuedIds.has(id)) return;
    this.queuedIds.add(id);
    this.waiting.get(stage)!.push({ stage, payload, attempt: 1 });
    this.pump(stage);
  }

  async start(handlers: Record<Stage, StageHandler>): Promise<void> {
    this.handlers = handlers;
    for (const stage of STAGES) this.pump(stage);
  }

  waitUntilIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.isClosed = true;
    await this.waitUntilIdle();
  }

  private limitOf(stage: Stage): number {
    return stage === 'post' ? this.settings.postConcurrency : this.settings.concurrency;
  }

  private pump(stage: Stage): void {
    if (!this.handlers) return;
    const queue = this.waiting.get(stage)!;
    while (queue.length > 0 && this.active.get(stage)! < this.limitOf(stage)) {
      const job = queue.shift()!;
      this.queuedIds.delete(jobIdFor(job.stage, job.payload));
      this.active.set(stage, this.active.get(stage)! + 1);
      void this.runJob(job).finally(() => {
        this.active.set(stage, this.active.get(stage)! - 1);
        this.pump(stage);
        this.notifyIfIdle();
      });
    }
  }

  private async runJob(job: Job): Promise<void> {
    const maxAttempts = this.settings.attempts;
    try {
      await this.handlers![job.stage](job.payload, { attempt: job.attempt, maxAttempts });
    } catch (error) {
      // The handler records final failures itself; the queue only decides whether to retry.
      if (!isRetryable(error) || job.attempt >= maxAttempts || this.isClosed) return;
      this.retryLater({ ...job, attempt: job.attempt + 1 });
    }
  }

  private retryLater(job: Job): void {
    this.delayedCount += 1;
    setTimeout(
      () => {
        this.delayedCount -= 1;
        this.waiting.get(job.stage)!.push(job);
        this.pump(job.stage);
        this.notifyIfIdle();
      },
      backoffDelayMs(this.settings, job.attempt - 1),
    );
  }

  private isIdle(): boolean {
    const busy = STAGES.some((s) => this.waiting.get(s)!.length > 0 || this.active.get(s)! > 0);
    return !busy && this.delayedCount === 0;
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
