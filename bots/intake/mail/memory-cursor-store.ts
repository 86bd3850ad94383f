import type { MailCursorStore } from './poll-mailbox.ts';

/** Keeps cursors in memory: for tests and one-off runs; the product keeps them in the store. */
export class MemoryCursorStore implements MailCursorStore {
  readonly #cursors = new Map<string, { uidValidity: string; lastUid: number }>();

  async get(mailbox: string) {
    const cursor = this.#cursors.get(mailbox);
    return cursor ? { ...cursor } : undefined;
  }

  async set(mailbox: string, cursor: { uidValidity: string; lastUid: number }) {
    this.#cursors.set(mailbox, { ...cursor });
  }
}
