import { startEscalation } from '../../queues/escalation.ts';
import { pipelineHandlers } from '../../queues/pipeline.ts';
import { shutdown } from '../../queues/runtime.ts';
import { watchSources } from '../../queues/sources.ts';
import { configFrom, type GlobalOptions, openRuntime } from '../open-runtime.ts';
import { resumeUnfinished, type ShadowOption, withShadow } from './run.ts';

/**
 * `rpa worker`: consumes the stage queues until stopped (SIGINT/SIGTERM), watches the
 * mailboxes (IDLE) and scans the drop folders every `pollSeconds`, unless `--no-poll` (then
 * another process feeds the queues).
 */
export async function runWorker(
  options: GlobalOptions & ShadowOption & { poll: boolean; pollSeconds: string },
) {
  const rt = await openRuntime(withShadow(configFrom(options), options), 'worker');
  const pollMs = Number(options.pollSeconds) * 1000;
  const watching = new AbortController();
  let isStopping = false;
  const stop = async () => {
    if (isStopping) return;
    isStopping = true;
    watching.abort();
    rt.logger.info('Worker stopping', { runId: rt.runId });
    await shutdown(rt);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await rt.queue.start(pipelineHandlers(rt));
  await resumeUnfinished(rt);
  startEscalation(rt);
  rt.logger.info('Worker started', { runId: rt.runId, queue: rt.queue.mode });
  if (options.poll) await watchSources(rt, watching.signal, pollMs);
  // With nothing to watch, an in-process queue holds no socket or timer open, and Node would
  // end the worker as soon as its queue ran dry; it must wait for a signal like any worker.
  else setInterval(() => {}, 60_000);
}
