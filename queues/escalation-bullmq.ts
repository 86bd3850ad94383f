import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { messageOf } from '../runner/errors.ts';
import type { Runtime } from './runtime.ts';

const QUEUE_NAME = 'escalate';
const queues = new WeakMap<Runtime, Queue>();

interface EscalationJob {
  caseId: string;
}

/**
 * Queue mode: one delayed BullMQ job per exception deadline, so whichever worker is running when
 * the deadline passes escalates the case. The job id carries the deadline: a re-opened exception
 * gets a new job, and the stale one finds the deadline moved and does nothing.
 */
export async function scheduleEscalation(
  rt: Runtime,
  caseId: string,
  deadlineAt: string,
): Promise<void> {
  if (rt.queue.mode !== 'bullmq' || !rt.config.redisUrl) return;
  const dueMs = Date.parse(deadlineAt);
  await queueOf(rt).add(QUEUE_NAME, { caseId } satisfies EscalationJob, {
    jobId: `escalate-${caseId}-${dueMs}`,
    delay: Math.max(0, dueMs - Date.now()),
    removeOnComplete: true,
    removeOnFail: { count: 1000 },
  });
}

/** Consumes the escalation jobs with `escalate(caseId)`; closed with the runtime. */
export function startEscalationWorker(
  rt: Runtime,
  escalate: (caseId: string) => Promise<unknown>,
): void {
  const connection = openConnection(rt);
  const worker = new Worker<EscalationJob>(QUEUE_NAME, (job) => escalate(job.data.caseId), {
    connection,
    prefix: rt.config.queue.prefix,
  });
  worker.on('error', (error) =>
    rt.logger.warn('Escalation worker error', { error: messageOf(error) }),
  );
  rt.closers.push(async () => {
    await worker.close();
    await connection.quit().catch(() => {});
  });
}

function queueOf(rt: Runtime): Queue {
  let queue = queues.get(rt);
  if (!queue) {
    const connection = openConnection(rt);
    queue = new Queue(QUEUE_NAME, { connection, prefix: rt.config.queue.prefix });
    queues.set(rt, queue);
    const opened = queue;
    rt.closers.push(async () => {
      await opened.close();
      await connection.quit().catch(() => {});
    });
  }
  return queue;
}

/** Connection errors surface through the worker and the queue; the client only logs them. */
function openConnection(rt: Runtime): Redis {
  const connection = new Redis(rt.config.redisUrl!, { maxRetriesPerRequest: null });
  connection.on('error', (error) =>
    rt.logger.debug('Escalation Redis connection error', { error: messageOf(error) }),
  );
  return connection;
}
