import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailboxConfig } from '../../../config/schema.ts';
import { appendMail, openTestClient } from '../../../fixtures/dovecot/append-mail.ts';
import { type DovecotServer, startDovecot } from '../../../fixtures/dovecot/start-dovecot.ts';
import { type FixtureMail, writeAllMails, writeMail } from '../../../fixtures/mail/write-mail.ts';
import { errorCodeOf } from '../../../runner/errors.ts';
import { silentLogger } from '../../../runner/logger.ts';
import { MemoryCursorStore } from './memory-cursor-store.ts';
import type { IncomingFile, MailSink, MailSource } from './poll-mailbox.ts';
import { pollMailbox } from './poll-mailbox.ts';

const USERS = ['kinds', 'reject', 'epoch', 'kick', 'pause', 'refuse'].map((user) => ({
  user,
  password: `pw-${user}`,
}));
let server: DovecotServer;

beforeAll(async () => {
  server = await startDovecot({ users: USERS });
});
afterAll(async () => {
  await server?.stop();
});

function mailboxFor(user: string, overrides: Partial<Omit<MailboxConfig, 'password'>> = {}) {
  return {
    name: `box-${user}`,
    host: server.host,
    port: server.port,
    secure: false,
    user,
    password: `pw-${user}`,
    folder: 'INBOX',
    processedFolder: 'Processed',
    rejectedFolder: 'Rejected',
    ...overrides,
  };
}

/** Records every sink call; a Message-ID may come back only with exactly the same files. */
function recordingSink(verdict: (mail: MailSource) => 'accepted' | 'rejected' = () => 'accepted') {
  const calls = new Map<string, string[]>();
  const files = new Map<string, IncomingFile[]>();
  const sink: MailSink = async (incoming, mail) => {
    const hash = createHash('sha256');
    for (const f of incoming) hash.update(f.fileName).update(f.bytes);
    calls.set(mail.messageId, [...(calls.get(mail.messageId) ?? []), hash.digest('hex')]);
    files.set(mail.messageId, incoming);
    return verdict(mail);
  };
  const hasOnlySameRepeats = () => [...calls.values()].every((h) => new Set(h).size === 1);
  return { sink, calls, files, hasOnlySameRepeats };
}

async function fill(user: string, folder: string, mails: FixtureMail[]) {
  for (const mail of mails) await appendMail(server, user, `pw-${user}`, folder, mail.raw);
}

async function countMessages(user: string, folder: string): Promise<number> {
  const client = openTestClient(server, user, `pw-${user}`);
  await client.connect();
  try {
    const status = await client.status(folder, { messages: true });
    return status === false ? 0 : (status.messages ?? 0);
  } finally {
    await client.logout();
  }
}

function sha(bytes: Buffer) {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('pollMailbox against a real Dovecot', () => {
  it('takes every invoice-bearing attachment kind and files each mail once', async () => {
    const mails = await writeAllMails(1);
    await fill('kinds', 'INBOX', mails);
    const { sink, calls, files } = recordingSink();
    const cursors = new MemoryCursorStore();

    const first = await pollMailbox(mailboxFor('kinds'), sink, cursors, silentLogger);

    const withFiles = mails.filter((m) => m.expected.length > 0);
    expect(first).toEqual({
      mails: mails.length,
      files: withFiles.reduce((n, m) => n + m.expected.length, 0),
      rejected: mails.length - withFiles.length,
    });
    for (const mail of withFiles) {
      const got = files.get(mail.messageId) ?? [];
      expect(got.map((f) => f.fileName)).toEqual(
        mail.expected.map((e) => path.basename(e.fileName)),
      );
      expect(got.map((f) => sha(f.bytes))).toEqual(mail.expected.map((e) => sha(e.bytes)));
      expect(got[0]?.source).toMatchObject({ kind: 'mail', mailbox: 'box-kinds' });
    }
    expect([...calls.keys()].sort()).toEqual(withFiles.map((m) => m.messageId).sort());
    expect(await countMessages('kinds', 'INBOX')).toBe(0);
    expect(await countMessages('kinds', 'Processed')).toBe(withFiles.length);
    expect(await countMessages('kinds', 'Rejected')).toBe(mails.length - withFiles.length);

    const second = await pollMailbox(mailboxFor('kinds'), sink, cursors, silentLogger);
    expect(second).toEqual({ mails: 0, files: 0, rejected: 0 });
    expect([...calls.values()].every((h) => h.length === 1)).toBe(true);
  });

  it('files a mail the sink rejects, and a mail without attachment, under the rejected folder', async () => {
    const kinds = { pdf: await writeMail('pdf', 2), none: await writeMail('none', 2) };
    await fill('reject', 'INBOX', [kinds.pdf, kinds.none]);
    const { sink, calls } = recordingSink(() => 'rejected');
    const box = mailboxFor('reject', { processedFolder: 'Done/Ok', rejectedFolder: 'Done/Bad' });

    const result = await pollMailbox(box, sink, new MemoryCursorStore(), silentLogger);

    expect(result).toEqual({ mails: 2, files: 1, rejected: 2 });
    expect([...calls.keys()]).toEqual([kinds.pdf.messageId]);
    expect(await countMessages('reject', 'Done/Bad')).toBe(2);
    expect(await countMessages('reject', 'Done/Ok')).toBe(0);
  });

  it('rescans a recreated folder (new UIDVALIDITY) without taking a mail twice with other files', async () => {
    const [a, b, c] = [
      await writeMail('pdf', 3),
      await writeMail('xml', 3),
      await writeMail('several', 3),
    ];
    await fill('epoch', 'Invoices', [a, b]);
    const { sink, calls, hasOnlySameRepeats } = recordingSink();
    const cursors = new MemoryCursorStore();
    const box = mailboxFor('epoch', { folder: 'Invoices' });
    await pollMailbox(box, sink, cursors, silentLogger);
    const before = await cursors.get('box-epoch');

    await recreateFolder('epoch', 'Invoices');
    // Mail c gets UID 2 again, below the old cursor: only the UIDVALIDITY check finds it.
    await fill('epoch', 'Invoices', [a, c]);
    const result = await pollMailbox(box, sink, cursors, silentLogger);

    const after = await cursors.get('box-epoch');
    expect(after?.uidValidity).not.toBe(before?.uidValidity);
    expect(after?.lastUid).toBe(before?.lastUid);
    expect(result.mails).toBe(2);
    expect(calls.get(c.messageId)).toHaveLength(1);
    expect(calls.get(a.messageId)).toHaveLength(2);
    expect(hasOnlySameRepeats()).toBe(true);
  });

  it('loses nothing when the server cuts the connection between sink and move', async () => {
    const mails = [
      await writeMail('pdf', 4),
      await writeMail('xml', 4),
      await writeMail('several', 4),
    ];
    await fill('kick', 'INBOX', mails);
    let isKicked = false;
    const recorder = recordingSink();
    const sink: MailSink = async (files, mail) => {
      const verdict = await recorder.sink(files, mail);
      if (mail.messageId === mails[1]?.messageId && !isKicked) {
        isKicked = true;
        await server.kick('kick');
      }
      return verdict;
    };
    const cursors = new MemoryCursorStore();
    const error = await pollMailbox(mailboxFor('kick'), sink, cursors, silentLogger).catch(
      (e) => e,
    );
    expect(errorCodeOf(error)).toBe('MAILBOX_UNAVAILABLE');
    expect(error.message).toContain('box-kick');

    const retry = await pollMailbox(mailboxFor('kick'), sink, cursors, silentLogger);

    // Dovecot may still answer a MOVE that arrives while the kicked session winds down; then
    // that mail was filed and the retry starts one later. Either way nothing is lost or doubled.
    const repeats = recorder.calls.get(mails[1]?.messageId ?? '')?.length;
    expect(retry.mails + (repeats === 2 ? 0 : 1)).toBe(2);
    expect(recorder.hasOnlySameRepeats()).toBe(true);
    expect(await countMessages('kick', 'Processed')).toBe(3);
    expect(await countMessages('kick', 'INBOX')).toBe(0);
  });

  it('fails with MAILBOX_UNAVAILABLE while the server is down and catches up after', async () => {
    const mails = [await writeMail('pdf', 5), await writeMail('xml', 5)];
    await fill('pause', 'INBOX', mails);
    const recorder = recordingSink();
    const sink: MailSink = async (files, mail) => {
      const verdict = await recorder.sink(files, mail);
      if (mail.messageId === mails[0]?.messageId) await server.pause();
      return verdict;
    };
    const cursors = new MemoryCursorStore();
    const cut = await pollMailbox(mailboxFor('pause'), sink, cursors, silentLogger).catch((e) => e);
    const down = await pollMailbox(mailboxFor('pause'), sink, cursors, silentLogger).catch(
      (e) => e,
    );
    await server.resume();

    const retry = await pollMailbox(mailboxFor('pause'), recorder.sink, cursors, silentLogger);

    expect(errorCodeOf(cut)).toBe('MAILBOX_UNAVAILABLE');
    expect(errorCodeOf(down)).toBe('MAILBOX_UNAVAILABLE');
    expect(down.message).toMatch(/failed at connect/);
    expect(retry.mails).toBe(2);
    expect(recorder.hasOnlySameRepeats()).toBe(true);
    expect(await countMessages('pause', 'Processed')).toBe(2);
  });
});

describe('pollMailbox when the server refuses the move', () => {
  it('keeps the cursor, so the mail is filed on the next pass instead of left behind', async () => {
    const mail = await writeMail('pdf', 6);
    await fill('refuse', 'INBOX', [mail]);
    const recorder = recordingSink();
    let isDeleted = false;
    const sink: MailSink = async (files, source) => {
      const verdict = await recorder.sink(files, source);
      if (!isDeleted) {
        // The processed folder vanishes after the pass created it: MOVE answers NO [TRYCREATE].
        isDeleted = true;
        const client = openTestClient(server, 'refuse', 'pw-refuse');
        await client.connect();
        await client.mailboxDelete('Processed');
        await client.logout();
      }
      return verdict;
    };
    const cursors = new MemoryCursorStore();

    const error = await pollMailbox(mailboxFor('refuse'), sink, cursors, silentLogger).catch(
      (e) => e,
    );
    expect(errorCodeOf(error)).toBe('MAILBOX_UNAVAILABLE');
    expect(error.message).toContain('move of UID 1 to Processed');
    expect(await cursors.get('box-refuse')).toBeUndefined();

    const retry = await pollMailbox(mailboxFor('refuse'), sink, cursors, silentLogger);
    expect(retry.mails).toBe(1);
    expect(recorder.calls.get(mail.messageId)).toHaveLength(2);
    expect(recorder.hasOnlySameRepeats()).toBe(true);
    expect(await countMessages('refuse', 'Processed')).toBe(1);
    expect(await countMessages('refuse', 'INBOX')).toBe(0);
  });
});

async function recreateFolder(user: string, folder: string) {
  const client = openTestClient(server, user, `pw-${user}`);
  await client.connect();
  try {
    await client.mailboxDelete(folder);
    await client.mailboxCreate(folder);
  } finally {
    await client.logout();
  }
}
