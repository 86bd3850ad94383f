import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/** The `rpa` command as an operator runs it: a child process, its stdout and exit code. */
const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '..');
const CORPUS = path.resolve(REPO, '..', 'shared', 'corpus');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rpa-cli-'));

async function rpa(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/rpa.mjs', ...args], {
      cwd: REPO,
      env: { ...process.env, RPA_QUEUE_MODE: 'in-process', DATABASE_URL: '', REDIS_URL: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('rpa CLI', () => {
  it('extracts one document to JSON under the corpus field names', async () => {
    const file = path.join(CORPUS, 'en16931-cef/ubl/examples/ubl-tc434-example1.xml');
    const result = await rpa('extract', file, '--json');
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.method).toBe('ubl');
    expect(out.fields.invoice_number).toMatchObject({ value: '12115118', confidence: 1 });
    expect(out.fields.gross_total.value).toBe('250.33');
  });

  it('prints an error of extract --json as a JSON object on stdout, exit code 2', async () => {
    const bad = path.join(dataDir, 'garbled.pdf');
    writeFileSync(bad, '%PDF-1.7\n1 0 obj << garbage');
    const result = await rpa('extract', bad, '--json');
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      error: { code: 'FILE_UNREADABLE', message: 'garbled.pdf: the PDF cannot be read' },
    });
    const plain = await rpa('extract', bad);
    expect(plain).toMatchObject({ code: 2, stdout: '' });
    expect(plain.stderr).toContain('[FILE_UNREADABLE]');
  });

  it('holds a corrupt PDF as FILE_UNREADABLE and keeps the original', async () => {
    const bad = path.join(dataDir, 'broken.pdf');
    writeFileSync(bad, '%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage without end');
    const ingest = await rpa('ingest', bad, '--data-dir', dataDir);
    expect(ingest.code).toBe(0);
    expect(ingest.stdout).toMatch(/broken\.pdf -> C-[0-9a-f]{12} held FILE_UNREADABLE/);
    const status = JSON.parse((await rpa('status', '--json', '--data-dir', dataDir)).stdout);
    expect(status.counts).toEqual({ held: 1 });
    expect(status.attention[0]).toMatchObject({ code: 'FILE_UNREADABLE', file: 'broken.pdf' });
    expect(status.outcomes.exceptionsByReason).toEqual({ FILE_UNREADABLE: 1 });
    const evidence = JSON.parse(
      (await rpa('evidence', status.attention[0].caseId, '--json', '--data-dir', dataDir)).stdout,
    );
    expect(evidence.document.original).toContain(path.join(dataDir, 'originals'));
    expect(evidence.audit.map((a: { action: string }) => a.action)).toEqual([
      'document.received',
      'case.held',
      'exception.opened',
    ]);
  });

  it('lists a case that could not be read in the inbox by its file and reading error', async () => {
    const inbox = await rpa('inbox', '--data-dir', dataDir);
    expect(inbox.code, inbox.stderr).toBe(0);
    expect(inbox.stdout).toMatch(
      /C-[0-9a-f]{12} {2}FILE_UNREADABLE +unassigned +due \S+ {2}broken\.pdf \(not read\)\n {6}broken\.pdf: the PDF cannot be read/,
    );
    expect(inbox.stdout).not.toContain('? ?');
    const items = JSON.parse((await rpa('inbox', '--json', '--data-dir', dataDir)).stdout);
    expect(items).toEqual([
      expect.objectContaining({ file: 'broken.pdf', wasRead: false, code: 'FILE_UNREADABLE' }),
    ]);
  });

  it('counts only the open exceptions in status, not those already resolved', async () => {
    const config = path.join(dataDir, 'users.json');
    writeFileSync(
      config,
      JSON.stringify({ usersFile: path.join(REPO, 'config/examples/users.yaml') }),
    );
    const bad = path.join(dataDir, 'cut-off.pdf');
    writeFileSync(bad, '%PDF-1.7\n2 0 obj << /Type /Pages >> cut off in transfer');
    const ingest = await rpa('ingest', bad, '--data-dir', dataDir);
    const caseId = /cut-off\.pdf -> (C-[0-9a-f]{12}) held FILE_UNREADABLE/.exec(ingest.stdout)?.[1];
    expect(caseId, ingest.stdout).toBeDefined();
    const reject = await rpa(
      ...['-c', config, '--data-dir', dataDir, 'reject', caseId!],
      ...['--reason', 'sent by mistake', '--as', 'lena'],
    );
    expect(reject.code, reject.stderr).toBe(0);
    const status = JSON.parse((await rpa('status', '--json', '--data-dir', dataDir)).stdout);
    expect(status.counts).toEqual({ held: 1, rejected: 1 });
    expect(status.outcomes).toMatchObject({
      openOnly: true,
      exceptionsByReason: { FILE_UNREADABLE: 1 },
    });
    const text = (await rpa('status', '--data-dir', dataDir)).stdout;
    expect(text).toMatch(/^Open exceptions by reason: \n {2}FILE_UNREADABLE +1$/m);
  });

  it('exits 2 when an ingested case failed, and refuses a retry by a user not in the directory', async () => {
    const config = path.join(dataDir, 'erp-down.json');
    writeFileSync(
      config,
      JSON.stringify({
        queue: { attempts: 1, backoffMs: 10 },
        usersFile: path.join(REPO, 'config/examples/users.yaml'),
        // Port 9 (discard) has nothing listening: the ERP is unreachable.
        targets: {
          erp: { baseUrl: 'http://127.0.0.1:9', user: 'bot', password: { env: 'HOME' } },
        },
      }),
    );
    const dir = path.join(dataDir, 'erp-down');
    const invoice = path.join(REPO, 'fixtures/demo/05_2025001053_ubl.xml');
    const ingest = await rpa('-c', config, '--data-dir', dir, 'ingest', invoice);
    const caseId = /-> (C-[0-9a-f]{12}) failed TARGET_UNAVAILABLE/.exec(ingest.stdout)?.[1];
    expect(caseId, ingest.stdout + ingest.stderr).toBeDefined();
    expect(ingest.code).toBe(2);
    const retry = await rpa(
      '-c',
      config,
      '--data-dir',
      dir,
      'retry',
      caseId!,
      '--as',
      'zz-unknown',
    );
    expect(retry.code).toBe(2);
    expect(retry.stderr).toContain('User "zz-unknown" is not in the user directory [USER_UNKNOWN]');
    const evidence = JSON.parse(
      (await rpa('-c', config, '--data-dir', dir, 'evidence', caseId!, '--json')).stdout,
    );
    expect(evidence.case.state).toBe('failed');
    const actions = evidence.audit.map((a: { action: string }) => a.action);
    expect(actions).not.toContain('case.retried');
    expect(actions).not.toContain('decision.refused');
    expect(evidence.audit.map((a: { actor: string }) => a.actor)).not.toContain('zz-unknown');
  });

  it('refuses a config file with an unknown key, naming it, with exit code 2', async () => {
    const config = path.join(dataDir, 'bad.yaml');
    writeFileSync(config, 'dataDir: ./x\nqueue:\n  atempts: 3\n');
    const result = await rpa('status', '--config', config);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/queue: Unrecognized key.*atempts.*\[CONFIG_INVALID\]/s);
  });

  it('refuses a data folder without a store for read-only commands, naming it and creating nothing', async () => {
    const missing = path.join(dataDir, 'does-not-exist');
    const empty = path.join(dataDir, 'empty');
    mkdirSync(empty);
    for (const args of [
      ['audit', 'verify'],
      ['audit', 'verify', '--json'],
      ['status'],
      ['status', '--json'],
      ['evidence', 'C-000000000000'],
      ['inbox'],
    ]) {
      for (const dir of [missing, empty]) {
        const result = await rpa(...args, '--data-dir', dir);
        expect(result.code, args.join(' ')).toBe(2);
        expect(result.stderr).toContain(`No store in the data folder ${dir}`);
        expect(result.stderr).toContain('[STORE_NOT_FOUND]');
        expect(result.stdout).not.toContain('intact');
      }
      expect(existsSync(missing), args.join(' ')).toBe(false);
      expect(readdirSync(empty), args.join(' ')).toEqual([]);
    }
  });

  it('names an unknown case with its code', async () => {
    const result = await rpa('evidence', 'C-000000000000', '--data-dir', dataDir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/No case C-000000000000.*\[CASE_NOT_FOUND\]/);
  });
});
