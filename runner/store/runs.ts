import { randomBytes } from 'node:crypto';
import type { Db } from './db.ts';

/** A run id sorts by time and is unique across hosts: `R-20261203T194512-3fa9c1`. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `R-${stamp}-${randomBytes(3).toString('hex')}`;
}

export async function startRun(db: Db, runId: string, command: string, queueMode: string) {
  await db.query('INSERT INTO runs (id, command, queue_mode, started_at) VALUES ($1, $2, $3, $4)', [
    runId,
    command,
    queueMode,
    new Date().toISOString(),
  ]);
}

export async function finishRun(db: Db, runId: string, summary: Record<string, unknown>) {
  await db.query('UPDATE runs SET finished_at = $2, summary = $3 WHERE id = $1', [
    runId,
    new Date().toISOString(),
    summary,
  ]);
}
