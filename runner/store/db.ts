import { ensureDir } from '../ensure-dir.ts';
import { lockEmbeddedDb } from './embedded-lock.ts';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { SystemError } from '../errors.ts';
import { migrate } from './migrations.ts';

/**
 * The one database interface the product uses. Two implementations with the same SQL: the
 * embedded PGlite (a real PostgreSQL compiled to WebAssembly, kept in a data folder) and a
 * PostgreSQL server through `pg`. Only standard PostgreSQL is written against it.
 */
export interface Db {
  readonly kind: 'pglite' | 'postgres';
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs `work` in one transaction; it commits when `work` resolves and rolls back otherwise. */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** PostgreSQL URL; without it PGlite is used in `dataDir`. */
  databaseUrl?: string;
  /** Folder for the embedded database; `memory://` keeps it in memory (tests). */
  dataDir: string;
}

export async function openDb(options: OpenDbOptions): Promise<Db> {
  const db = options.databaseUrl
    ? await openServer(options.databaseUrl)
    : await openEmbedded(options.dataDir);
  await migrate(db);
  return db;
}

async function openEmbedded(dataDir: string): Promise<Db> {
  const isOnDisk = !dataDir.startsWith('memory://');
  if (isOnDisk) ensureDir(dataDir);
  const unlock = isOnDisk ? lockEmbeddedDb(dataDir) : () => {};
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(dataDir);
  } catch (error) {
    unlock();
    throw new SystemError('STORE_UNAVAILABLE', `Cannot open the embedded database in ${dataDir}`, {
      cause: error,
      details: { hint: 'only one process can use the embedded database at a time' },
    });
  }
  const db = embeddedDb(pglite);
  const close = db.close;
  return {
    ...db,
    close: async () => {
      try {
        await close();
      } finally {
        unlock();
      }
    },
  };
}

function embeddedDb(pglite: PGlite | Parameters<Parameters<PGlite['transaction']>[0]>[0]): Db {
  return {
    kind: 'pglite',
    query: async <T>(sql: string, params: unknown[] = []) =>
      (await pglite.query<T>(sql, params)).rows,
    transaction: async <T>(work: (tx: Db) => Promise<T>) => {
      // PGlite's transaction object has no transaction() of its own; nested calls reuse it.
      if (!('transaction' in pglite)) return work(embeddedDb(pglite));
      return pglite.transaction((tx) => work(embeddedDb(tx)));
    },
    close: async () => {
      if ('close' in pglite) await pglite.close();
    },
  };
}

async function openServer(url: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: 5 });
  // An idle connection the server ends (a restart, an administrator) is dropped by the pool and
  // replaced on the next query; without a listener its error would end the whole process.
  pool.on('error', () => {});
  try {
    (await pool.connect()).release();
  } catch (error) {
    await pool.end().catch(() => {});
    throw new SystemError(
      'STORE_UNAVAILABLE',
      `Cannot connect to PostgreSQL at ${redactUrl(url)}`,
      {
        cause: error,
      },
    );
  }
  return serverDb(pool);
}

function serverDb(client: pg.Pool | pg.PoolClient, isInTransaction = false): Db {
  return {
    kind: 'postgres',
    query: async <T>(sql: string, params: unknown[] = []) =>
      (await client.query(sql, params)).rows as T[],
    transaction: async <T>(work: (tx: Db) => Promise<T>) => {
      if (isInTransaction) return work(serverDb(client, true));
      const conn = await (client as pg.Pool).connect();
      try {
        await conn.query('BEGIN');
        const result = await work(serverDb(conn, true));
        await conn.query('COMMIT');
        return result;
      } catch (error) {
        await conn.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        conn.release();
      }
    },
    close: async () => {
      if (!isInTransaction) await (client as pg.Pool).end();
    },
  };
}

/** A database URL with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
