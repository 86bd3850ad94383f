import { setTimeout as sleep } from 'node:timers/promises';
import { ImapFlow } from 'imapflow';
import type { MailboxConfig } from '../../../config/schema.ts';
import { errorCodeOf, isRetryable, messageOf } from '../../../runner/errors.ts';
import type { Logger } from '../../../runner/logger.ts';
import {
  type MailCursorStore,
  type MailSink,
  type PollOptions,
  type PollResult,
  pollMailbox,
} from './poll-mailbox.ts';

export interface WatchOptions extends PollOptions {
  /** Ends the watch; the running pass finishes its current mail first. */
  signal: AbortSignal;
  /** Longest wait between passes, in ms, also when IDLE is used (a safety net); default 60000. */
  pollIntervalMs?: number;
  /** Wait after a failed pass before trying again, in ms; doubled per failure; default 1000. */
  reconnectDelayMs?: number;
  /** Upper bound of that wait, in ms; default 60000. */
  maxReconnectDelayMs?: number;
  /** Wait for new mail with IMAP IDLE when the server offers it; default true. */
  useIdle?: boolean;
  /** Called after every successful pass, e.g. for metrics. */
  onPass?: (result: PollResult) => void;
}

type Box = MailboxConfig & { password: string };

/**
 * Keeps a mailbox drained until `signal` aborts: a pass, then a wait for news (IMAP IDLE, or
 * the poll interval when the server has no IDLE), then the next pass. Every pass and every wait
 * uses a fresh connection, so a dropped connection costs one failed pass and never a stuck
 * client; failures back off exponentially. Errors that are not retryable (from the sink) end
 * the watch.
 */
export async function watchMailbox(
  mailbox: Box,
  sink: MailSink,
  cursors: MailCursorStore,
  logger: Logger,
  options: WatchOptions,
): Promise<void> {
  const log = logger.child({ mailbox: mailbox.name, bot: 'intake-mail' });
  let failures = 0;
  while (!options.signal.aborted) {
    try {
      // Not inlined into `onPass?.(...)`: an optional call skips its arguments when unset.
      const result = await pollMailbox(mailbox, sink, cursors, log, options);
      options.onPass?.(result);
      failures = 0;
      await waitForNews(mailbox, cursors, log, options);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      failures += 1;
      const base = options.reconnectDelayMs ?? 1000;
      const delayMs = Math.min(base * 2 ** (failures - 1), options.maxReconnectDelayMs ?? 60_000);
      log.warn('Mailbox pass failed, will retry', {
        attempt: failures,
        code: errorCodeOf(error),
        error: messageOf(error),
        durationMs: delayMs,
      });
      await pause(delayMs, options.signal);
    }
  }
}

/** Returns when new mail may be there: IDLE news, the poll interval, a drop, or abort. */
async function waitForNews(
  mailbox: Box,
  cursors: MailCursorStore,
  log: Logger,
  options: WatchOptions,
) {
  const intervalMs = options.pollIntervalMs ?? 60_000;
  if (options.useIdle === false) return pause(intervalMs, options.signal);
  const client = new ImapFlow({
    host: mailbox.host,
    port: mailbox.port,
    secure: mailbox.secure,
    auth: { user: mailbox.user, pass: mailbox.password },
    logger: false,
    disableAutoIdle: true,
  });
  client.on('error', (error: Error) =>
    log.debug('IMAP idle connection error', { error: error.message }),
  );
  try {
    await client.connect();
    const opened = await client.mailboxOpen(mailbox.folder, { readOnly: true });
    if (!client.capabilities.has('IDLE')) return await pause(intervalMs, options.signal);
    // Mail that came between the pass and this open would never raise an IDLE event.
    const cursor = await cursors.get(mailbox.name);
    const isBehind = cursor !== undefined && String(opened.uidValidity) !== cursor.uidValidity;
    if (isBehind || opened.uidNext - 1 > (cursor?.lastUid ?? 0)) return;
    await idleUntilNews(client, intervalMs, options.signal);
  } finally {
    client.close();
  }
}

function idleUntilNews(client: ImapFlow, intervalMs: number, signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, intervalMs);
    // An abort that came while connecting fires no event any more.
    if (signal.aborted) return done();
    signal.addEventListener('abort', done, { once: true });
    client.on('exists', done);
    client.on('close', done);
    client.idle().catch(done);
  });
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}
