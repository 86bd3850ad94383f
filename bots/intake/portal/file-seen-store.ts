import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PortalSeenStore } from './poll-portal.ts';

/**
 * Keeps taken references as JSON lines in one file, appended per invoice, so an embedded
 * installation remembers them across restarts without a database table.
 * TODO: replace with the store's `portal_seen` table (portal, reference, taken_at; primary key
 * portal + reference) once runner/store has it; the interface stays the same.
 */
export class FileSeenStore implements PortalSeenStore {
  readonly #seen = new Set<string>();

  constructor(private readonly file: string) {
    if (!existsSync(file)) return;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim()) this.#seen.add(line.trim());
    }
  }

  async has(portal: string, reference: string): Promise<boolean> {
    return this.#seen.has(JSON.stringify([portal, reference]));
  }

  async add(portal: string, reference: string): Promise<void> {
    const key = JSON.stringify([portal, reference]);
    if (this.#seen.has(key)) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    appendFileSync(this.file, `${key}\n`);
    this.#seen.add(key);
  }
}
