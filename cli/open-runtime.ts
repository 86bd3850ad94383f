import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { openQueue } from '../queues/open-queue.ts';
import { originalsFor, type Runtime, shutdown } from '../queues/runtime.ts';
import { directoryOf, policyOf } from '../queues/stages/policy-of.ts';
import { SystemError } from '../runner/errors.ts';
import { createLogger, type Logger } from '../runner/logger.ts';
import { type Db, openDb } from '../runner/store/db.ts';
import { newRunId, startRun } from '../runner/store/runs.ts';
import { existsSync } from 'node:fs';
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

export interface OpenStoreOptions {
  /**
   * Whether a data folder without an embedded store gets a new, empty one: true for the
   * commands that take work in (run, ingest, demo, worker, master load and sync).
   */
  create?: boolean;
}

/**
 * The store of the configured data folder. By default it must already exist: a command that
 * only looks at cases (status, evidence, inbox, audit verify) or acts on one (approve, retry)
 * refuses a folder holding no store, naming it, and creates nothing there; a mistyped
 * `--data-dir` would otherwise report an empty, intact trail.
 *
 * @throws SystemError STORE_NOT_FOUND when the folder holds no embedded store.
 */
export async function openStore(
  config: Config,
  { create = false }: OpenStoreOptions = {},
): Promise<Db> {
  if (!create) requireStore(config);
  return openDb({ databaseUrl: config.databaseUrl, dataDir: path.join(config.dataDir, 'db') });
}

/** Throws STORE_NOT_FOUND unless the data folder holds an embedded store (or a server is set). */
export function requireStore(config: Config): void {
  if (config.databaseUrl) return;
  if (existsSync(path.join(config.dataDir, 'db', 'PG_VERSION'))) return;
  throw new SystemError(
    'STORE_NOT_FOUND',
    `No store in the data folder ${config.dataDir}: check --data-dir or dataDir (rpa run, ingest and demo create one)`,
  );
}

/**
 * Everything a command that moves cases needs: store, queue, logger, and a new run id. The
 * store is created when missing unless `create` is false (see {@link openStore}); then nothing,
 * not even the log file, is written before the store is found.
 */
export async function openRuntime(
  config: Config,
  command: string,
  { create = true }: OpenStoreOptions = {},
): Promise<Runtime> {
  if (!create) requireStore(config);
  const logger = loggerFor(config);
  const db = await openStore(config, { create: true });
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
