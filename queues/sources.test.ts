/**
 * The intake sources end to end: configured mailboxes on a real Dovecot and the fixture supplier
 * portal in real Chromium, handed into the real store (PGlite) and the in-process queue, whose
 * extract handler only counts. Shows that each invoice opens exactly one case whatever happens
 * to the connection or the mailbox, and that the portal's memory lives in the store.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRuntime } from '../cli/open-runtime.ts';
import { loadConfig } from '../config/load.ts';
import { appendMail, openTestClient } from '../fixtures/dovecot/append-mail.ts';
import { type DovecotServer, startDovecot } from '../fixtures/dovecot/start-dovecot.ts';
import {
  CONTAINER_MAIL_KINDS,
  type FixtureMail,
  forwardMail,
  resendMail,
  writeAllMails,
  writeMail,
} from '../fixtures/mail/write-mail.ts';
import { type FixturePortal, startPortal } from '../fixtures/portal/server.ts';
import type { Logger } from '../runner/logger.ts';
import { STAGES, type Stage, type StageHandler } from './names.ts';
import { type Runtime, shutdown } from './runtime.ts';
import { arrivalOf, pollSources, watchSources } from './sources.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const MAPPINGS = path.join(ROOT, 'config/examples/spreadsheet-mappings.yaml');
const USERS = ['ap', 'sales', 'all', 'w1', 'w2'].map((user) => ({ user, password: `pw-${user}` }));
for (const { user, password } of USERS) process.env[`RPA_TEST_MAIL_${user}`] = password;
process.env.RPA_TEST_PORTAL = 'pw-portal';

let server: DovecotServer;
const workDirs: string[] = [];

beforeAll(async () => {
  server = await startDovecot({ users: USERS });
});
afterAll(async () => {
  await server?.stop();
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
});

function mailbox(user: string, folder = 'INBOX') {
  return {
    name: `box-${user}`,
    host: server.host,
    port: server.port,
    secure: false,
    user,
    password: { env: `RPA_TEST_MAIL_${user}` },
    folder,
  };
}

/** A runtime on its own data folder; the extract stage only counts what it is given. */
async function openTestRuntime(sources: Record<string, unknown>, dataDir?: string) {
  const dir = dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'rpa-sources-'));
  if (!dataDir) workDirs.push(dir);
  const config = loadConfig(
    null,
    {},
    {
      dataDir: dir,
      queue: { mode: 'in-process' },
      sources,
      intake: { sheetMappingsFile: MAPPINGS },
      browser: { headless: true, stepTimeoutMs: 10_000 },
      log: { console: false },
    },
  );
  const rt = await openRuntime(config, 'test');
  const extracted = new Map<string, number>();
  const count: StageHandler = async ({ caseId }) => {
    extracted.set(caseId, (extracted.get(caseId) ?? 0) + 1);
  };
  const handlers = Object.fromEntries(STAGES.map((s) => [s, count])) as Record<Stage, StageHandler>;
  await rt.queue.start(handlers);
  return { rt, extracted, dir };
}

async function caseShas(rt: Runtime): Promise<string[]> {
  const rows = await rt.db.query<{ sha256: string }>('SELECT sha256 FROM cases ORDER BY sha256');
  return rows.map((r) => r.sha256);
}

async function countMessages(user: string, folder: string): Promise<number> {
  const client = openTestClient(server, user, `pw-${user}`);
  await client.connect();
  try {
    const status = await client.status(folder, { messages: true }).catch(() => false as const);
    return status === false ? 0 : (status.messages ?? 0);
  } finally {
    await client.logout();
  }
}

async function fill(user: string, folder: string, mails: FixtureMail[]) {
  for (const mail of mails) await appendMail(server, user, `pw-${user}`, folder, mail.raw);
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('pollSources over several configured mailboxes', () => {
  it('keeps a cursor per mailbox and recognises a re-sent and a forwarded invoice by its hash', async () => {
    const { rt, extracted } = await openTestRuntime({
      mailboxes: [mailbox('ap'), mailbox('sales')],
    });
    const invoice = await writeMail('pdf', 21);
    const other = await writeMail('xml', 21);
    const resent = await resendMail(invoice, 21);
    const forwarded = await forwardMail(invoice, 21);
    await fill('ap', 'INBOX', [invoice, forwarded]);
    await fill('sales', 'INBOX', [resent, other]);

    const first = await pollSources(rt);
    const again = await pollSources(rt);

    expect(first).toMatchObject({ mails: 4, failedSources: [] });
    expect(again).toMatchObject({ mails: 0, files: 0, failedSources: [] });
    const invoiceSha = sha(invoice.expected[0]!.bytes);
    expect(await caseShas(rt)).toEqual([invoiceSha, sha(other.expected[0]!.bytes)].sort());
    const arrivals = await rt.db.query<{ source_ref: string; source: { messageId: string } }>(
      'SELECT source_ref, source FROM document_arrivals WHERE sha256 = $1 ORDER BY id',
      [invoiceSha],
    );
    expect(arrivals.map((a) => a.source.messageId).sort()).toEqual(
      [invoice.messageId, forwarded.messageId, resent.messageId].sort(),
    );
    const audit = await rt.db.query<{ action: string }>(
      "SELECT action FROM audit_events WHERE data->>'sha256' = $1 ORDER BY seq",
      [invoiceSha],
    );
    expect(audit.map((a) => a.action)).toEqual([
      'document.received',
      'document.received-again',
      'document.received-again',
    ]);
    const cursors = await rt.db.query<{ mailbox: string }>(
      'SELECT mailbox FROM mail_cursors ORDER BY mailbox',
    );
    expect(cursors.map((c) => c.mailbox)).toEqual(['box-ap', 'box-sales']);
    expect([...extracted.values()]).toEqual([1, 1]);
    for (const user of ['ap', 'sales']) {
      expect(await countMessages(user, 'INBOX')).toBe(0);
      expect(await countMessages(user, 'Processed')).toBe(2);
    }
    await shutdown(rt);
  });
});

describe('watchSources', () => {
  it('watches every configured mailbox with IDLE, each mail taken as it comes', async () => {
    const { rt, extracted } = await openTestRuntime({
      mailboxes: [mailbox('w1'), mailbox('w2')],
    });
    const stop = new AbortController();
    // A poll interval far beyond the test timeout: only IDLE can wake the watch.
    const watching = watchSources(rt, stop.signal, 600_000);
    const [a, b, c] = [
      await writeMail('pdf', 31),
      await writeMail('jpeg', 31),
      await writeMail('xml', 31),
    ];

    await fill('w1', 'INBOX', [a]);
    await fill('w2', 'INBOX', [b]);
    while ((await caseShas(rt)).length < 2) await sleep(50);
    await fill('w1', 'INBOX', [c]);
    while ((await caseShas(rt)).length < 3) await sleep(50);
    stop.abort();
    await watching;

    const expected = [a, b, c].map((m) => sha(m.expected[0]!.bytes));
    expect(await caseShas(rt)).toEqual(expected.sort());
    expect([...extracted.values()]).toEqual([1, 1, 1]);
    expect(await countMessages('w1', 'Processed')).toBe(2);
    expect(await countMessages('w2', 'Processed')).toBe(1);
    await shutdown(rt);
  });
});

describe('pollSources through a dropped connection and a recreated mailbox', () => {
  it('opens exactly one case per invoice of every attachment kind and files every mail once', async () => {
    const { rt, extracted } = await openTestRuntime({ mailboxes: [mailbox('all', 'Invoices')] });
    const mails = [
      ...(await writeAllMails(22)),
      ...(await Promise.all(CONTAINER_MAIL_KINDS.map((kind) => writeMail(kind, 22)))),
    ];
    await fill('all', 'Invoices', mails);
    // Cut the IMAP session server-side once the third document is in, mid-pass.
    let received = 0;
    let kicked: Promise<boolean> | undefined;
    const quiet = rt.logger;
    const hooked: Logger = {
      ...quiet,
      info: (message, fields) => {
        if (message === 'Document received' && ++received === 3) kicked = server.kick('all');
        quiet.info(message, fields);
      },
      child: () => hooked,
    };
    rt.logger = hooked;

    const cut = await pollSources(rt);
    expect(await kicked).toBe(true);
    expect(cut.failedSources).toEqual(['mailbox:box-all']);
    const retry = await pollSources(rt);
    expect(retry.failedSources).toEqual([]);

    const taken = mails.filter((m) => !m.isRefused);
    const expectedShas = new Set(
      taken.flatMap((m) => m.expected.filter((e) => !e.isContainer).map((e) => sha(e.bytes))),
    );
    const rowCount = taken.reduce((n, m) => n + (m.rows?.length ?? 0), 0);
    const shas = await caseShas(rt);
    expect(shas).toEqual(expect.arrayContaining([...expectedShas]));
    expect(shas).toHaveLength(expectedShas.size + rowCount);
    expect([...extracted.values()].every((n) => n === 1)).toBe(true);
    expect(extracted.size).toBe(shas.length);
    const filedOnce = async () =>
      (await countMessages('all', 'Processed')) + (await countMessages('all', 'Rejected'));
    expect(await countMessages('all', 'Invoices')).toBe(0);
    expect(await filedOnce()).toBe(mails.length);
    const withoutInvoice = mails.filter((m) => m.isRefused || m.expected.length === 0);
    expect(await countMessages('all', 'Rejected')).toBe(withoutInvoice.length);

    // The folder is deleted and created again: new UIDVALIDITY, UIDs start at 1 again, far
    // below the cursor. Two old mails come back (same bytes) next to two new ones.
    const [before] = await rt.db.query<{ uid_validity: string; last_uid: number }>(
      "SELECT uid_validity, last_uid FROM mail_cursors WHERE mailbox = 'box-all'",
    );
    const client = openTestClient(server, 'all', 'pw-all');
    await client.connect();
    await client.mailboxDelete('Invoices');
    await client.mailboxCreate('Invoices');
    await client.logout();
    const fresh = [await writeMail('pdf', 23), await writeMail('tiff', 23)];
    await fill('all', 'Invoices', [mails[0]!, fresh[0]!, mails[1]!, fresh[1]!]);

    const rescan = await pollSources(rt);

    const [after] = await rt.db.query<{ uid_validity: string; last_uid: number }>(
      "SELECT uid_validity, last_uid FROM mail_cursors WHERE mailbox = 'box-all'",
    );
    expect(after?.uid_validity).not.toBe(before?.uid_validity);
    expect(before!.last_uid).toBeGreaterThan(4);
    expect(rescan).toMatchObject({ mails: 4, failedSources: [] });
    const now = await caseShas(rt);
    expect(now).toHaveLength(shas.length + 2);
    expect(now).toEqual(expect.arrayContaining(fresh.map((m) => sha(m.expected[0]!.bytes))));
    expect([...extracted.values()].every((n) => n === 1)).toBe(true);
    expect(await countMessages('all', 'Invoices')).toBe(0);
    expect(await filedOnce()).toBe(mails.length + 4);
    rt.logger = quiet;
    await shutdown(rt);
  });
});

describe('pollSources over a supplier portal', () => {
  let portal: FixturePortal;
  beforeAll(async () => {
    portal = await startPortal({
      user: 'ap-bot',
      password: 'pw-portal',
      seeds: [700, 701, 702, 703, 704, 705],
      pageSize: 4,
    });
  });
  afterAll(async () => {
    await portal?.close();
  });

  it('remembers taken invoices in the store, across a restart of the runtime', async () => {
    const portals = [
      {
        name: 'acme',
        baseUrl: portal.url,
        user: 'ap-bot',
        password: { env: 'RPA_TEST_PORTAL' },
      },
    ];
    const first = await openTestRuntime({ portals });
    const pass1 = await pollSources(first.rt);
    expect(pass1).toMatchObject({ files: 6, failedSources: [] });
    await shutdown(first.rt);

    const added = portal.addInvoice(799);
    const second = await openTestRuntime({ portals }, first.dir);
    const pass2 = await pollSources(second.rt);

    expect(pass2).toMatchObject({ files: 1, failedSources: [] });
    expect(second.extracted.size).toBe(1);
    const seen = await second.rt.db.query<{ reference: string }>(
      "SELECT reference FROM portal_seen WHERE portal = 'acme' ORDER BY reference",
    );
    expect(seen.map((r) => r.reference)).toEqual(portal.invoices.map((i) => i.reference).sort());
    expect(seen.map((r) => r.reference)).toContain(added.reference);
    expect([...portal.downloads.values()]).toEqual(new Array(7).fill(1));
    expect(await caseShas(second.rt)).toHaveLength(7);
    await shutdown(second.rt);
  });
});

describe('arrivalOf', () => {
  it('gives a portal download channel portal and ref portal/<name>/<reference>', () => {
    const arrival = arrivalOf({
      fileName: 'INV-1.pdf',
      bytes: Buffer.from('%PDF-'),
      mediaType: 'application/pdf',
      source: { kind: 'portal', portal: 'acme', reference: 'DOC-000007' },
    });
    expect(arrival).toEqual({
      channel: 'portal',
      ref: 'portal/acme/DOC-000007',
      detail: { kind: 'portal', portal: 'acme', reference: 'DOC-000007', parentSha256: undefined },
    });
  });

  it('keeps the container hash of a file taken out of a zip', () => {
    const arrival = arrivalOf({
      fileName: 'a.pdf',
      bytes: Buffer.from('%PDF-'),
      mediaType: 'application/pdf',
      parentSha256: 'ab'.repeat(32),
      source: { kind: 'mail', mailbox: 'ap', uidValidity: '7', uid: 3, messageId: '<m@x>' },
    });
    expect(arrival).toMatchObject({ channel: 'mail', ref: 'ap/7/3/a.pdf' });
    expect(arrival.detail.parentSha256).toBe('ab'.repeat(32));
  });
});
