import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendMail } from '../fixtures/dovecot/append-mail.ts';
import { type DovecotServer, startDovecot } from '../fixtures/dovecot/start-dovecot.ts';
import { type FixtureErp, startFixtureErp } from '../fixtures/erp/server.ts';

/**
 * `rpa worker` as a server runs it: a long-lived process watching a real Dovecot mailbox. A
 * mail that arrives while it waits (IMAP IDLE) is taken, posted into the fixture ERP and moved
 * out of the inbox; SIGTERM stops the worker cleanly.
 */
const REPO = path.resolve(import.meta.dirname, '..');
const INVOICE = path.join(REPO, 'fixtures', 'demo', '06_AB-04571.xml');
const workDir = mkdtempSync(path.join(os.tmpdir(), 'rpa-worker-'));
let dovecot: DovecotServer;
let erp: FixtureErp;

beforeAll(async () => {
  dovecot = await startDovecot({ users: [{ user: 'ap', password: 'imap-pw-1' }] });
  erp = await startFixtureErp({
    dataFile: path.join(workDir, 'erp.json'),
    users: { bot: 'erp-pw-1' },
  });
  writeFileSync(path.join(workDir, 'imap.secret'), 'imap-pw-1\n');
  writeFileSync(
    path.join(workDir, 'rpa.config.yaml'),
    [
      'dataDir: ./data',
      'queue: { mode: in-process }',
      'sources:',
      '  mailboxes:',
      `    - { name: ap, host: 127.0.0.1, port: ${dovecot.port}, secure: false, user: ap, password: { file: ${path.join(workDir, 'imap.secret')} } }`,
      'targets:',
      `  erp: { baseUrl: "${erp.url}", user: bot, password: { env: TEST_ERP_PASSWORD } }`,
      'log: { console: false }',
    ].join('\n'),
  );
});

afterAll(async () => {
  await erp.close();
  await dovecot.stop();
  rmSync(workDir, { recursive: true, force: true });
});

async function waitFor(check: () => boolean, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('rpa worker', () => {
  it('takes a mail that arrives while it waits, posts it, and stops on SIGTERM', async () => {
    const worker = spawn(
      process.execPath,
      [
        'bin/rpa.mjs',
        'worker',
        '--config',
        path.join(workDir, 'rpa.config.yaml'),
        '--poll-seconds',
        '30',
      ],
      {
        cwd: REPO,
        env: { ...process.env, TEST_ERP_PASSWORD: 'erp-pw-1', REDIS_URL: '', DATABASE_URL: '' },
      },
    );
    const exited = new Promise<number | null>((resolve) => worker.once('exit', resolve));
    const logFile = path.join(workDir, 'data', 'logs', 'rpa.log');
    const log = () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    };
    await waitFor(() => log().includes('Worker started'), 'the worker to start');
    await new Promise((r) => setTimeout(r, 2000));
    const mail = new MailComposer({
      from: 'billing@alpenblick.example',
      to: 'ap@buyer.example',
      subject: 'Rechnung AB-04571',
      text: 'Anbei unsere Rechnung.',
      attachments: [{ filename: '06_AB-04571.xml', content: readFileSync(INVOICE) }],
    });
    await appendMail(dovecot, 'ap', 'imap-pw-1', 'INBOX', await mail.compile().build());
    await waitFor(() => erp.listInvoices().length === 1, 'the invoice in the ERP');
    expect(erp.listInvoices()[0]).toMatchObject({ invoiceNumber: 'AB-04571', gross: '962.11' });
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(log()).not.toContain('imap-pw-1');
    expect(log()).not.toContain('erp-pw-1');
  });
});
