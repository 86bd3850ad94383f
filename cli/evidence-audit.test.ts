import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureErp, startFixtureErp } from '../fixtures/erp/server.ts';
import { launchBrowser } from '../runner/browser.ts';
import { openDb } from '../runner/store/db.ts';

/**
 * The auditor's tools as an operator runs them, on a case `rpa run` really posted: the one-file
 * HTML evidence, the per-posting trace, and `rpa audit verify` after someone edits the store.
 */
const REPO = path.resolve(import.meta.dirname, '..');
const INVOICE = path.join(REPO, 'fixtures/demo/05_2025001053_ubl.xml');
const exec = promisify(execFile);
const work = mkdtempSync(path.join(os.tmpdir(), 'rpa-evidence-cli-'));
const dataDir = path.join(work, 'data');
const configFile = path.join(work, 'rpa.config.json');
let erp: FixtureErp;
let caseId: string;

async function rpa(...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const out = await exec(
      process.execPath,
      [path.join(REPO, 'bin/rpa.mjs'), ...args, '-c', configFile],
      {
        cwd: REPO,
        env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', EVIDENCE_CLI_PW: 'pw' },
      },
    );
    return { code: 0, stdout: out.stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout + failed.stderr };
  }
}

beforeAll(async () => {
  erp = await startFixtureErp({ dataFile: path.join(work, 'erp.json'), users: { bot: 'pw' } });
  mkdirSync(path.join(work, 'in'));
  copyFileSync(INVOICE, path.join(work, 'in', path.basename(INVOICE)));
  const config = {
    dataDir,
    queue: { mode: 'in-process' },
    sources: { dropFolders: [{ path: path.join(work, 'in') }] },
    targets: { erp: { baseUrl: erp.url, user: 'bot', password: { env: 'EVIDENCE_CLI_PW' } } },
    browser: { trace: true },
    log: { console: false },
  };
  writeFileSync(configFile, JSON.stringify(config));
  const run = await rpa('run');
  expect(run.code, run.stdout).toBe(0);
  const db = await openDb({ dataDir: path.join(dataDir, 'db') });
  try {
    const [row] = await db.query<{ id: string; state: string }>('SELECT id, state FROM cases');
    expect(row?.state).toBe('posted');
    caseId = row!.id;
  } finally {
    await db.close();
  }
});

afterAll(async () => {
  await erp?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('evidence and audit from the command line', () => {
  it('writes one self-contained HTML page with timeline, fields, checks, posting, screenshots', async () => {
    const file = path.join(work, 'evidence.html');
    const out = await rpa('evidence', caseId, '--html', file);
    expect(out.code, out.stdout).toBe(0);
    const html = readFileSync(file, 'utf8');
    const [documentNumber] = erp.listInvoices().map((i) => i.documentNumber);
    for (const heading of [
      'Timeline (audit events)',
      'Extracted data',
      'Checks',
      'Decisions',
      'Posting',
    ]) {
      expect(html).toContain(`<h2>${heading}`);
    }
    expect(html).toContain('case.posted');
    expect(html).toContain('2025001053');
    // The lines the bot typed into the ERP, as read from the invoice.
    expect(html).toContain('<h3>Invoice lines</h3>');
    expect(html).toContain('Service technician on site');
    expect(html).toContain(documentNumber);
    // Every step's screenshot is inlined: the file opens anywhere, without the data folder.
    // Reading the document number shares the save step's shot, shown once.
    expect(html.match(/src="data:image\/png;base64,/g)?.length).toBeGreaterThanOrEqual(7);
    expect(html).toContain('Read from the screen shown above');
    expect(html).not.toMatch(/src="(?!data:)/);
  });

  it('keeps a Playwright trace of the posting when browser.trace is on', () => {
    const runs = path.join(dataDir, 'evidence');
    const traces = [];
    for (const run of readdirSync(runs)) {
      const file = path.join(runs, run, caseId, 'trace.zip');
      if (existsSync(file)) traces.push(file);
    }
    expect(traces).toHaveLength(1);
  });

  it('masks the IBAN for people, keeps it whole in --json, and keeps short columns on one line', async () => {
    const iban = 'DE85370501980019283746';
    const masked = 'DE** **** **** **** **37 46';
    const file = path.join(work, 'masked.html');
    expect((await rpa('evidence', caseId, '--html', file)).code).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html).not.toContain(iban);
    expect(html).toContain(`<td class="wide">${masked.replaceAll(' ', '\u00a0')}</td>`);
    const text = (await rpa('evidence', caseId)).stdout;
    expect(text).toContain(`${'iban'.padEnd(16)} ${masked}`);
    expect(text).not.toContain(iban);
    const json = JSON.parse((await rpa('evidence', caseId, '--json')).stdout);
    expect(json.extraction.fields.iban).toBe(iban);

    const browser = await launchBrowser({ headless: true });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(pathToFileURL(file).href);
      // Times, codes, actors and actions are never broken over lines, whatever their neighbours.
      const broken = await page.$$eval('th, td:not(.wide)', (cells) =>
        cells
          .filter((cell) => {
            const range = document.createRange();
            range.selectNodeContents(cell);
            return range.getClientRects().length > 1;
          })
          .map((cell) => cell.textContent),
      );
      expect(broken).toEqual([]);
      const narrowest = await page.$$eval('td.wide', (cells) =>
        Math.min(...cells.map((cell) => cell.getBoundingClientRect().width)),
      );
      expect(narrowest).toBeGreaterThanOrEqual(280);
    } finally {
      await browser.close();
    }
  });

  it('names the audit event someone edited and exits 1', async () => {
    expect((await rpa('audit', 'verify')).code).toBe(0);
    const db = await openDb({ dataDir: path.join(dataDir, 'db') });
    let edited: number;
    try {
      const [row] = await db.query<{ seq: number }>(
        `SELECT seq FROM audit_events WHERE action = 'case.posted'`,
      );
      edited = Number(row!.seq);
      await db.query(
        `UPDATE audit_events SET data = jsonb_set(data, '{erpDocumentNumber}', '"AP-FORGED"') WHERE seq = $1`,
        [edited],
      );
    } finally {
      await db.close();
    }
    const verify = await rpa('audit', 'verify', '--json');
    expect(verify.code).toBe(1);
    expect(JSON.parse(verify.stdout)).toMatchObject({ isIntact: false, firstBrokenSeq: edited });
    const plain = await rpa('audit', 'verify');
    expect(plain.stdout).toContain(`BROKEN at event #${edited}`);
  });
});
