import type { PortalSeenStore } from './poll-portal.ts';

/** Keeps taken references in memory: for tests and one-off runs; the product uses the store. */
export class MemorySeenStore implements PortalSeenStore {
  readonly #seen = new Set<string>();

  async has(portal: string, reference: string): Promise<boolean> {
    return this.#seen.has(JSON.stringify([portal, reference]));
  }

  async add(portal: string, reference: string): Promise<void> {
    this.#seen.add(JSON.stringify([portal, reference]));
  }
}
