import { ImapFlow } from 'imapflow';
import type { MailboxConfig } from '../../../config/schema.ts';
import { SystemError } from '../../../runner/errors.ts';
import type { Logger } from '../../../runner/logger.ts';
import { type IncomingFile, type MailSource, REJECTING_REASONS } from '../types.ts';
import { type CollectedMail, type CollectOptions, collectFiles } from './collect-files.ts';

export type { IncomingFile, MailSource } from '../types.ts';

/** Where the last handled UID of each mailbox is kept; the lead's store implements it. */
export interface MailCursorStore {
  get(mailbox: string): Promise<{ uidValidity: string; lastUid: number } | undefined>;
  set(mailbox: string, cursor: { uidValidity: string; lastUid: number }): Promise<void>;
}

/**
 * Called once per mail with its invoice-bearing files; must be idempotent (the lead stores by
 * SHA-256). Returns whether the mail was accepted.
 */
export type MailSink = (
  files: IncomingFile[],
  mail: MailSource,
) => Promise<'accepted' | 'rejected'>;

export interface PollOptions extends CollectOptions {
  /** Gives up on a silent server after this long, in ms; default 30000. */
  socketTimeoutMs?: number;
}

export interface PollResult {
  /** Mails handled (moved) in this pass. */
  mails: number;
  /** Files handed to the sink. */
  files: number;
  /** Mails moved to the rejected folder. */
  rejected: number;
}

interface Pass {
  client: ImapFlow;
  mailbox: MailboxConfig & { password: string };
  uidValidity: string;
  sink: MailSink;
  cursors: MailCursorStore;
  logger: Logger;
  options: PollOptions;
  result: PollResult;
}

/**
 * One intake pass over a mailbox: takes every mail above the cursor, hands its invoice files to
 * the sink, files the mail under `processedFolder` or `rejectedFolder`, and advances the cursor.
 *
 * Order per mail is sink, then move, then cursor. A crash after the sink and before the move
 * leaves the mail in the folder below the cursor, so the next pass hands it on again; the sink
 * stores by SHA-256, so that second call changes nothing. A crash after the move leaves the
 * cursor behind, which is harmless because the mail is no longer in the folder. No order of
 * crashes loses a mail; at worst the sink sees it twice.
 *
 * @throws SystemError MAILBOX_UNAVAILABLE when the server cannot be reached or drops the
 *   connection; mails handled before that stay handled. Errors of the sink pass through.
 */
export async function pollMailbox(
  mailbox: MailboxConfig & { password: string },
  sink: MailSink,
  cursors: MailCursorStore,
  logger: Logger,
  options: PollOptions = {},
): Promise<PollResult> {
  const log = logger.child({ mailbox: mailbox.name, bot: 'intake-mail' });
  const client = openClient(mailbox, options, log);
  await imap(mailbox, 'connect', () => client.connect());
  try {
    await ensureFolders(client, mailbox);
    const lock = await imap(mailbox, 'open folder', () => client.getMailboxLock(mailbox.folder));
    try {
      const uidValidity = client.mailbox ? String(client.mailbox.uidValidity) : '';
      const result = { mails: 0, files: 0, rejected: 0 };
      const pass: Pass = {
        client,
        mailbox,
        uidValidity,
        sink,
        cursors,
        logger: log,
        options,
        result,
      };
      for (const uid of await newUids(pass)) await handleMail(pass, uid);
      log.info('Mailbox pass done', { count: result.mails });
      return result;
    } finally {
      lock.release();
    }
  } finally {
    await closeClient(client);
  }
}

function openClient(
  mailbox: MailboxConfig & { password: string },
  options: PollOptions,
  log: Logger,
) {
  const client = new ImapFlow({
    host: mailbox.host,
    port: mailbox.port,
    secure: mailbox.secure,
    auth: { user: mailbox.user, pass: mailbox.password },
    logger: false,
    disableAutoIdle: true,
    socketTimeout: options.socketTimeoutMs ?? 30_000,
  });
  // Without a listener a dropped socket would crash the process; the failing command reports it.
  client.on('error', (error: Error) => log.warn('IMAP connection error', { error: error.message }));
  return client;
}

async function closeClient(client: ImapFlow): Promise<void> {
  if (client.usable) await client.logout().catch(() => client.close());
  else client.close();
}

/** Runs an IMAP step and turns any failure into a retryable MAILBOX_UNAVAILABLE. */
async function imap<T>(mailbox: MailboxConfig, step: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new SystemError(
      'MAILBOX_UNAVAILABLE',
      `mailbox ${mailbox.name} (${mailbox.host}:${mailbox.port}) failed at ${step}`,
      { cause: error, details: { mailbox: mailbox.name, step } },
    );
  }
}

function unavailable(mailbox: MailboxConfig, step: string): SystemError {
  return new SystemError(
    'MAILBOX_UNAVAILABLE',
    `mailbox ${mailbox.name} (${mailbox.host}:${mailbox.port}) failed at ${step}`,
    { details: { mailbox: mailbox.name, step } },
  );
}

async function ensureFolders(client: ImapFlow, mailbox: MailboxConfig): Promise<void> {
  const existing = await imap(mailbox, 'list folders', () => client.list());
  for (const folder of [mailbox.processedFolder, mailbox.rejectedFolder]) {
    if (existing.some((f) => f.path === folder)) continue;
    await imap(mailbox, 'create folder', () => client.mailboxCreate(folder));
  }
}

/** UIDs above the cursor; all of them when UIDVALIDITY changed, since old UIDs mean nothing. */
async function newUids(pass: Pass): Promise<number[]> {
  const cursor = await pass.cursors.get(pass.mailbox.name);
  const isSameEpoch = cursor?.uidValidity === pass.uidValidity;
  const lastUid = cursor && isSameEpoch ? cursor.lastUid : 0;
  if (cursor && !isSameEpoch) pass.logger.warn('Mailbox UIDVALIDITY changed, rescanning');
  const found = await imap(pass.mailbox, 'search', () =>
    pass.client.search({ uid: `${lastUid + 1}:*` }, { uid: true }),
  );
  if (!found) throw unavailable(pass.mailbox, 'search');
  // `n:*` always matches the highest UID, even one below n, so filter again.
  return found.filter((uid) => uid > lastUid).sort((a, b) => a - b);
}

async function handleMail(pass: Pass, uid: number): Promise<void> {
  const { client, mailbox } = pass;
  const message = await imap(mailbox, 'fetch', () =>
    client.fetchOne(String(uid), { uid: true, source: true }, { uid: true }),
  );
  // Gone when someone else expunged it meanwhile; a dropped connection answers false as well.
  if (message === false || !message.source) {
    if (!client.usable) throw unavailable(mailbox, `fetch of UID ${uid}`);
    return;
  }
  const mail = await readMail(pass, message.source);
  const source = mailSource(pass, uid, mail);
  const files = mail.files.map((f) => ({ ...f, source }));
  const log = pass.logger.child({ count: files.length });
  // A zip bomb or an invoice list no mapping fits: a person looks at the whole mail.
  const isRefused = mail.skipped.some((part) => REJECTING_REASONS.has(part.reason));
  const isHandedOn = files.length > 0 && !isRefused;
  const verdict = isHandedOn ? await pass.sink(files, source) : 'rejected';
  const target = verdict === 'accepted' ? mailbox.processedFolder : mailbox.rejectedFolder;
  const moved = await imap(mailbox, 'move', () =>
    client.messageMove(String(uid), target, { uid: true }),
  );
  // imapflow answers a failed or cut-off MOVE with false instead of throwing. Advancing the
  // cursor then would leave the mail in the folder below it, never looked at again.
  if (!moved) throw unavailable(mailbox, `move of UID ${uid} to ${target}`);
  await pass.cursors.set(mailbox.name, { uidValidity: pass.uidValidity, lastUid: uid });
  pass.result.mails += 1;
  if (isHandedOn) pass.result.files += files.length;
  if (verdict === 'rejected') pass.result.rejected += 1;
  log.info(verdict === 'accepted' ? 'Mail accepted' : 'Mail rejected', { step: target });
}

/** A mail that cannot be parsed is still filed (as rejected) so it does not block the folder. */
async function readMail(pass: Pass, raw: Buffer): Promise<CollectedMail> {
  try {
    const mail = await collectFiles(raw, pass.options);
    for (const part of mail.skipped) {
      const code =
        part.code ?? (part.reason === 'too-large' ? 'FILE_TOO_LARGE' : 'UNSUPPORTED_FILE');
      const error = part.message ?? part.reason;
      if (REJECTING_REASONS.has(part.reason)) {
        pass.logger.error('Attachment refused; mail rejected', {
          file: part.fileName,
          code,
          error,
        });
      } else pass.logger.warn('Attachment not taken', { file: part.fileName, code, error });
    }
    for (const row of mail.rowProblems) {
      pass.logger.warn('Invoice list row handed on with fields missing', {
        file: row.fileName,
        row: row.rowNumber,
        error: row.problems.join('; '),
      });
    }
    return mail;
  } catch (error) {
    pass.logger.warn('Mail could not be parsed', { error: String(error) });
    return { files: [], skipped: [], rowProblems: [] };
  }
}

function mailSource(pass: Pass, uid: number, mail: CollectedMail): MailSource {
  return {
    kind: 'mail',
    mailbox: pass.mailbox.name,
    uidValidity: pass.uidValidity,
    uid,
    // A mail without Message-ID is still named for good by UIDVALIDITY and UID.
    messageId: mail.messageId ?? `<${pass.uidValidity}.${uid}@${pass.mailbox.name}>`,
    ...(mail.from ? { from: mail.from } : {}),
    ...(mail.subject ? { subject: mail.subject } : {}),
  };
}
