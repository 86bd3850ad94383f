import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { SystemError } from '../errors.ts';

/**
 * The embedded database is one PostgreSQL that lives inside one process: a second process
 * opening the same folder writes past the first and damages its indexes, losing decisions.
 * A lock file beside the folder (`<dataDir>.lock`, holding the owner's pid) refuses the second
 * process with STORE_UNAVAILABLE. A lock whose process is gone (killed, crashed) is taken over.
 * Returns the release function.
 */
export function lockEmbeddedDb(dataDir: string): () => void {
  const file = `${dataDir}.lock`;
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(readFileSync(file, 'utf8').trim());
    if (owner === process.pid) return () => {};
    if (isAlive(owner)) {
      throw new SystemError(
        'STORE_UNAVAILABLE',
        `The embedded database in ${dataDir} is in use by process ${owner} (an rpa worker or ` +
          'another command). Stop it first, or use a PostgreSQL server (DATABASE_URL) for several processes.',
        { details: { lockFile: file, pid: owner } },
      );
    }
    rmSync(file, { force: true });
  }
  throw new SystemError('STORE_UNAVAILABLE', `Cannot take the lock ${file}`);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
