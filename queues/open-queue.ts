import type { Config } from '../config/schema.ts';
import { SystemError } from '../runner/errors.ts';
import type { Logger } from '../runner/logger.ts';
import { redactUrl } from '../runner/store/db.ts';
import { BullmqQueue, isRedisReachable } from './bullmq-queue.ts';
import { InProcessQueue } from './in-process.ts';
import type { QueueBackend } from './names.ts';

/**
 * Picks the backend: BullMQ when Redis is configured and answers (or is demanded), the
 * in-process queue otherwise. `mode: bullmq` with an unreachable Redis is an error, not a
 * silent fallback, because a server deployment must not quietly run single-process.
 */
export async function openQueue(config: Config, logger: Logger): Promise<QueueBackend> {
  const { mode } = config.queue;
  const url = config.redisUrl;
  if (mode === 'in-process' || (mode === 'auto' && !url)) return new InProcessQueue(config.queue);
  if (!url)
    throw new SystemError('QUEUE_UNAVAILABLE', 'queue.mode is bullmq but REDIS_URL is not set');
  if (await isRedisReachable(url)) {
    return new BullmqQueue(url, config.queue.prefix, config.queue, logger);
  }
  if (mode === 'bullmq') {
    throw new SystemError('QUEUE_UNAVAILABLE', `Redis at ${redactUrl(url)} does not answer`);
  }
  logger.warn('Redis does not answer; using the in-process queue', { queue: redactUrl(url) });
  return new InProcessQueue(config.queue);
}
