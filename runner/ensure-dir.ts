import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Creates `dir` and its missing parents, one level at a time. Node's own recursive mkdir loops
 * forever under a pseudo file system such as /proc (it keeps retrying ENOENT), which made a
 * mistyped `--data-dir` hang the CLI; one level at a time fails at once with the system's error.
 */
export function ensureDir(dir: string): void {
  const missing: string[] = [];
  for (let at = path.resolve(dir); !existsSync(at); at = path.dirname(at)) {
    missing.unshift(at);
    if (path.dirname(at) === at) break;
  }
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (error) {
      // Another process (a second worker) may have made it in between.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
