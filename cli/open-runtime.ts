import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { openQueue } from '../queues/open-queue.ts';
import { originalsFor, type Runtime, shutdown } from '../queues/runtime.ts';
import { directoryOf, policyOf } from '../queues/stages/policy-of.ts';
import { createLogger, type Logger } from '../runner/logger.ts';
import { type Db, openDb } from '../runner/store/db.ts';
import { newRunId, startRun } from '../runner/store/runs.ts';
import path from 'node:path';

export interface GlobalOptions {
  config?: string;
  dataDir?: string;
  verbose?: boolean;
}

export function configFrom(
  options: GlobalOptions,
  overrides: Record<string, unknown> = {},
): Config {
  // A folder given on the command line is taken from where the operator stands, not from the
  // config file's folder as paths inside the file are.
  const extra = options.dataDir
    ? { ...overrides, dataDir: path.resolve(options.dataDir) }
    : overrides;
  const config = loadConfig(options.config, process.env, extra);
  return options.verbose ? { ...config, log: { ...config.log, level: 'debug' } } : config;
}

export function loggerFor(config: Config): Logger {
  return createLogger({
    level: config.log.level,
    file: config.log.file,
    console: config.log.console,
  });
}

export async function openStore(config: Config): Promise<Db> {
  return openDb({ databaseUrl: config.databaseUrl, dataDir: path.join(config.dataDir, 'db') });
}

/** Everything a command that moves cases needs: store, queue, logger, and a new run id. */
export async function openRuntime(config: Config, command: string): Promise<Runtime> {
  const logger = loggerFor(config);
  const db = await openStore(config);
  const queue = await openQueue(config, logger);
  const runId = newRunId();
  await startRun(db, runId, command, queue.mode);
  const rt: Runtime = {
    config,
    logger,
    db,
    originals: originalsFor(config),
    queue,
    runId,
    closers: [],
  };
  rt.closers.push(() => db.close());
  try {
    // A policy or user directory that cannot route stops the command now, not each case later.
    policyOf(rt);
    directoryOf(rt);
  } catch (error) {
    await shutdown(rt);
    throw error;
  }
  return rt;
}
