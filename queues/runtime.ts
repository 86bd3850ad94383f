import path from 'node:path';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../runner/logger.ts';
import { OriginalStore } from '../runner/originals.ts';
import type { Db } from '../runner/store/db.ts';
import type { QueueBackend } from './names.ts';

/**
 * What every stage handler gets: the validated config, a logger, the store, the originals,
 * the queue to hand on to, and the id of the run that started the work.
 */
export interface Runtime {
  config: Config;
  logger: Logger;
  db: Db;
  originals: OriginalStore;
  queue: QueueBackend;
  runId: string;
  /** Resources opened on first use (the posting browser) and closed by `shutdown`. */
  closers: Array<() => Promise<void>>;
}

/** Screenshots and page dumps for one case in one run: dataDir/evidence/<runId>/<caseId>. */
export function evidenceDirFor(config: Config, runId: string, caseId: string): string {
  return path.join(config.dataDir, 'evidence', runId, caseId);
}

export function originalsFor(config: Config): OriginalStore {
  return new OriginalStore(path.join(config.dataDir, 'originals'));
}

export async function shutdown(rt: Runtime): Promise<void> {
  await rt.queue.close();
  for (const close of rt.closers.splice(0).reverse()) await close().catch(() => {});
}
