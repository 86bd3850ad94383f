import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendMail, openTestClient } from '../../../fixtures/dovecot/append-mail.ts';
import { type DovecotServer, startDovecot } from '../../../fixtures/dovecot/start-dovecot.ts';
import { CONTAINER_MAIL_KINDS, writeMail } from '../../../fixtures/mail/write-mail.ts';
import { silentLogger } from '../../../runner/logger.ts';
import { sha256Of } from '../containers/expand-container.ts';
import { loadSheetMappings } from '../sheets/sheet-mapping.ts';
import { MemoryCursorStore } from './memory-cursor-store.ts';
import { type IncomingFile, type MailSink, pollMailbox } from './poll-mailbox.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const sheetMappings = loadSheetMappings(
  path.join(ROOT, 'config/examples/spreadsheet-mappings.yaml'),
);
const USER = { user: 'containers', password: 'pw-containers' };
let server: DovecotServer;

beforeAll(async () => {
  server = await startDovecot({ users: [USER] });
});
afterAll(async () => {
  await server?.stop();
});

const mailbox = () => ({
  name: 'box-containers',
  host: server.host,
  port: server.port,
  secure: false,
  user: USER.user,
  password: USER.password,
  folder: 'INBOX',
  processedFolder: 'Processed',
  rejectedFolder: 'Rejected',
});

async function countMessages(folder: string): Promise<number> {
  const client = openTestClient(server, USER.user, USER.password);
  await client.connect();
  try {
    const status = await client.status(folder, { messages: true });
    return status === false ? 0 : (status.messages ?? 0);
  } finally {
    await client.logout();
  }
}

describe('pollMailbox with zips and invoice lists, against a real Dovecot', () => {
  it('hands on containers with their entries and rows, and rejects the zip bomb untouched', async () => {
    const mails = await Promise.all(CONTAINER_MAIL_KINDS.map((kind) => writeMail(kind, 7)));
    for (const mail of mails) {
      await appendMail(server, USER.user, USER.password, 'INBOX', mail.raw);
    }
    const received = new Map<string, IncomingFile[]>();
    const sink: MailSink = async (files, source) => {
      received.set(source.messageId, files);
      return 'accepted';
    };
    const cursors = new MemoryCursorStore();

    const result = await pollMailbox(mailbox(), sink, cursors, silentLogger, { sheetMappings });

    const refused = mails.filter((m) => m.isRefused);
    expect(refused.map((m) => m.kind)).toEqual(['zip-bomb']);
    expect(result.mails).toBe(mails.length);
    expect(result.rejected).toBe(1);
    expect(received.has(refused[0]!.messageId)).toBe(false);
    for (const mail of mails.filter((m) => !m.isRefused)) {
      const files = received.get(mail.messageId) ?? [];
      const containers = files.filter((f) => f.isContainer).map((f) => f.fileName);
      expect(containers).toEqual(mail.expected.filter((e) => e.isContainer).map((e) => e.fileName));
      const taken = files.filter((f) => !f.isContainer && !mail.rows);
      const expected = mail.expected.filter((e) => !e.isContainer);
      expect(taken.map((f) => sha256Of(f.bytes))).toEqual(expected.map((e) => sha256Of(e.bytes)));
      if (mail.rows) {
        const rows = files.filter((f) => !f.isContainer);
        expect(rows).toHaveLength(mail.rows.length);
        expect(new Set(rows.map((r) => r.parentSha256))).toEqual(
          new Set([sha256Of(mail.expected[0]!.bytes)]),
        );
      }
      expect(files.every((f) => f.source.kind === 'mail')).toBe(true);
    }
    expect(await countMessages('Processed')).toBe(mails.length - 1);
    expect(await countMessages('Rejected')).toBe(1);
    expect(await countMessages('INBOX')).toBe(0);

    const again = await pollMailbox(mailbox(), sink, cursors, silentLogger, { sheetMappings });
    expect(again).toEqual({ mails: 0, files: 0, rejected: 0 });
  });

  it('rejects a mail with an invoice list that no mapping fits', async () => {
    await appendMail(
      server,
      USER.user,
      USER.password,
      'Lists',
      (await writeMail('csv-1252', 8)).raw,
    );
    let calls = 0;
    const sink: MailSink = async () => {
      calls += 1;
      return 'accepted';
    };
    const box = { ...mailbox(), name: 'box-lists', folder: 'Lists', rejectedFolder: 'NoMapping' };

    const result = await pollMailbox(box, sink, new MemoryCursorStore(), silentLogger);

    expect(result).toEqual({ mails: 1, files: 0, rejected: 1 });
    expect(calls).toBe(0);
    expect(await countMessages('NoMapping')).toBe(1);
  });
});
