import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendMail } from '../../../fixtures/dovecot/append-mail.ts';
import { type DovecotServer, startDovecot } from '../../../fixtures/dovecot/start-dovecot.ts';
import { writeMail } from '../../../fixtures/mail/write-mail.ts';
import { type Logger, silentLogger } from '../../../runner/logger.ts';
import { MemoryCursorStore } from './memory-cursor-store.ts';
import type { MailSink } from './poll-mailbox.ts';
import { watchMailbox } from './watch-mailbox.ts';

let server: DovecotServer;
const USERS = [
  { user: 'idle', password: 'pw' },
  { user: 'poll', password: 'pw' },
];

beforeAll(async () => {
  server = await startDovecot({ users: USERS });
});
afterAll(async () => {
  await server?.stop();
});

function box(user: string) {
  return {
    name: `watch-${user}`,
    host: server.host,
    port: server.port,
    secure: false,
    user,
    password: 'pw',
    folder: 'INBOX',
    processedFolder: 'Processed',
    rejectedFolder: 'Rejected',
  };
}

/** Waits for a condition without a deadline of its own: the test timeout is the bound. */
async function until(condition: () => boolean) {
  while (!condition()) await sleep(20);
}

function seenSink() {
  const seen: string[] = [];
  const sink: MailSink = async (_files, mail) => {
    seen.push(mail.messageId);
    return 'accepted';
  };
  return { seen, sink };
}

describe('watchMailbox', () => {
  it('wakes on IDLE for new mail and reconnects with a fresh client after a drop', async () => {
    const { seen, sink } = seenSink();
    const stop = new AbortController();
    const options = { signal: stop.signal, pollIntervalMs: 600_000, reconnectDelayMs: 20 };
    const watching = watchMailbox(
      box('idle'),
      sink,
      new MemoryCursorStore(),
      silentLogger,
      options,
    );
    const [first, second] = [await writeMail('pdf', 11), await writeMail('xml', 11)];

    await appendMail(server, 'idle', 'pw', 'INBOX', first.raw);
    await until(() => seen.includes(first.messageId));
    while (!(await server.kick('idle'))) await sleep(20); // until a session was really cut
    await appendMail(server, 'idle', 'pw', 'INBOX', second.raw);
    await until(() => seen.includes(second.messageId));
    stop.abort();
    await watching;

    expect(seen).toEqual([first.messageId, second.messageId]);
  });

  it('polls on an interval when IDLE is off, and survives the server going away', async () => {
    const { seen, sink } = seenSink();
    const stop = new AbortController();
    const options = {
      signal: stop.signal,
      useIdle: false,
      pollIntervalMs: 50,
      reconnectDelayMs: 20,
    };
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (m) => warnings.push(m), child: () => logger };
    const watching = watchMailbox(box('poll'), sink, new MemoryCursorStore(), logger, options);
    const [first, second] = [await writeMail('pdf', 12), await writeMail('xml', 12)];

    await appendMail(server, 'poll', 'pw', 'INBOX', first.raw);
    await until(() => seen.includes(first.messageId));
    await server.pause();
    await until(() => warnings.includes('Mailbox pass failed, will retry'));
    await server.resume();
    await appendMail(server, 'poll', 'pw', 'INBOX', second.raw);
    await until(() => seen.includes(second.messageId));
    stop.abort();
    await watching;

    expect(seen).toEqual([first.messageId, second.messageId]);
  });
});
