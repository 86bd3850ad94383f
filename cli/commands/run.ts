import { pipelineHandlers } from '../../queues/pipeline.ts';
import { type Runtime, shutdown } from '../../queues/runtime.ts';
import { pollSources } from '../../queues/sources.ts';
import { countCasesByState } from '../../runner/store/cases.ts';
import { finishRun } from '../../runner/store/runs.ts';
import type { Config } from '../../config/schema.ts';
import { configFrom, type GlobalOptions, openRuntime } from '../open-runtime.ts';
import { printStateCounts } from './status.ts';

/** `rpa run`: one pass over every source, then process until every queue is empty. */
export async function runOnce(options: GlobalOptions & ShadowOption): Promise<void> {
  const rt = await openRuntime(withShadow(configFrom(options), options), 'run');
  try {
    const summary = await processPass(rt);
    console.log(
      `Run ${rt.runId}: ${summary.files} file(s) taken from ${summary.mails} mail(s) and folders.`,
    );
    printStateCounts(await countCasesByState(rt.db));
  } finally {
    await shutdown(rt);
  }
}

/** Starts the stage workers, polls the sources once and waits for the pipeline to settle. */
export async function processPass(rt: Runtime) {
  await rt.queue.start(pipelineHandlers(rt));
  await resumeUnfinished(rt);
  const summary = await pollSources(rt);
  await rt.queue.waitUntilIdle();
  await finishRun(rt.db, rt.runId, { ...summary, states: await countCasesByState(rt.db) });
  return summary;
}

/**
 * Cases left mid-way by a crash (or by the in-process queue, which forgets on exit) are
 * queued again at the stage their state says; each stage is idempotent, so this is safe.
 */
export async function resumeUnfinished(rt: Runtime): Promise<void> {
  const rows = await rt.db.query<{ id: string; state: string }>(
    `SELECT id, state FROM cases WHERE state IN ('received','extracted','validated','approved','posting')`,
  );
  const stageOf = {
    received: 'extract',
    extracted: 'validate',
    validated: 'route',
    approved: 'post',
    posting: 'post',
  } as const;
  for (const row of rows) {
    const stage = stageOf[row.state as keyof typeof stageOf];
    await rt.queue.enqueue(stage, { caseId: row.id, runId: rt.runId });
  }
}

export interface ShadowOption {
  /** `--shadow`: fill and photograph every field, save nothing (P6). */
  shadow?: boolean;
}

/** The `--shadow` run option wins over the config file's `post.shadow`. */
export function withShadow(config: Config, options: ShadowOption): Config {
  return options.shadow ? { ...config, post: { ...config.post, shadow: true } } : config;
}
