import { type ChildProcess, spawn } from 'node:child_process';
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
import { afterAll, describe, expect, it } from 'vitest';
import { type ErpEvent, type FixtureErp, startFixtureErp } from '../fixtures/erp/server.ts';
import { type Db, openDb } from '../runner/store/db.ts';
import { getPosting } from '../runner/store/postings.ts';

/**
 * The exactly-once proof: `rpa run` (a real child process, PGlite, in-process queue) posts one
 * invoice into a slow fixture ERP and is SIGKILLed at one moment of the posting; a second
 * `rpa run` resumes the case. Afterwards the ERP must hold the invoice once and the case must be
 * posted with the ERP's document number. The moment is seen from outside the product only:
 * an ERP request arriving, an invoice stored, a step's screenshot appearing, or a line in the
 * run's log file (the last step, which only reads the screen, leaves no screenshot of its own).
 */
const REPO = path.resolve(import.meta.dirname, '..');
const INVOICE = path.join(REPO, 'fixtures/demo/05_2025001053_ubl.xml');
const INVOICE_NUMBER = '2025001053';
const PASSWORD = 'kill-test-pw';
const POLL_MS = 5;

type Trigger =
  | { on: 'request' }
  | { on: 'saved' }
  | { on: 'screenshot'; count: number }
  | { on: 'save-request' }
  | { on: 'log'; step: string; message: string };

/** Where to kill, named after the step the worker is in at that moment. */
const KILL_POINTS: Array<[string, Trigger]> = [
  ['login', { on: 'request' }],
  ['find-existing', { on: 'screenshot', count: 1 }],
  ['open-entry-form', { on: 'screenshot', count: 2 }],
  ['fill-header', { on: 'screenshot', count: 3 }],
  ['fill-lines', { on: 'screenshot', count: 4 }],
  ['attach-original', { on: 'screenshot', count: 5 }],
  ['save (sent, not stored)', { on: 'save-request' }],
  ['save (stored, no answer yet)', { on: 'saved' }],
  ['read-document-number', { on: 'screenshot', count: 7 }],
  [
    'after the bot, before the ledger',
    { on: 'log', step: 'read-document-number', message: 'step finished' },
  ],
];

const work = mkdtempSync(path.join(os.tmpdir(), 'rpa-kill-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function writeConfig(dir: string, erpUrl: string): string {
  mkdirSync(path.join(dir, 'in'), { recursive: true });
  copyFileSync(INVOICE, path.join(dir, 'in', path.basename(INVOICE)));
  const file = path.join(dir, 'rpa.config.json');
  const config = {
    dataDir: path.join(dir, 'data'),
    queue: { mode: 'in-process', attempts: 3, backoffMs: 100 },
    sources: { dropFolders: [{ path: path.join(dir, 'in') }] },
    targets: { erp: { baseUrl: erpUrl, user: 'bot', password: { env: 'KILL_TEST_ERP_PW' } } },
    log: { console: false, level: 'debug' },
  };
  writeFileSync(file, JSON.stringify(config));
  return file;
}

function startRun(configFile: string): ChildProcess {
  return spawn(process.execPath, [path.join(REPO, 'bin/rpa.mjs'), 'run', '-c', configFile], {
    cwd: REPO,
    env: { ...envWithout('DATABASE_URL', 'REDIS_URL'), KILL_TEST_ERP_PW: PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function envWithout(...names: string[]): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of names) delete env[name];
  return env;
}

function exited(child: ChildProcess): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.exitCode ?? child.signalCode);
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
}

function screenshots(dataDir: string): string[] {
  const root = path.join(dataDir, 'evidence');
  if (!existsSync(root)) return [];
  const found: string[] = [];
  for (const run of readdirSync(root)) {
    for (const c of readdirSync(path.join(root, run))) {
      found.push(...readdirSync(path.join(root, run, c)).filter((f) => f.endsWith('.png')));
    }
  }
  return found.sort();
}

/** Whether the run's JSON log has a line with this message from this step. */
function logged(dataDir: string, step: string, message: string): boolean {
  const file = path.join(dataDir, 'logs', 'rpa.log');
  if (!existsSync(file)) return false;
  return readFileSync(file, 'utf8')
    .split('\n')
    .some((line) => line.includes(`"step":"${step}"`) && line.includes(`"message":"${message}"`));
}

/** Kills `child` with SIGKILL once `trigger` fires; resolves with what had happened by then. */
function killWhen(child: ChildProcess, trigger: Trigger, dataDir: string, events: ErpEvent[]) {
  return new Promise<{ killed: boolean; shotsAtKill: string[] }>((resolve) => {
    const timer = setInterval(() => {
      const shots = screenshots(dataDir);
      const fire =
        (trigger.on === 'request' && events.some((e) => e.kind === 'request')) ||
        (trigger.on === 'saved' && events.some((e) => e.kind === 'saved')) ||
        (trigger.on === 'save-request' &&
          events.some(
            (e) => e.kind === 'request' && e.method === 'POST' && !/login/i.test(e.path),
          )) ||
        (trigger.on === 'screenshot' && shots.length >= trigger.count) ||
        (trigger.on === 'log' && logged(dataDir, trigger.step, trigger.message));
      if (!fire) return;
      clearInterval(timer);
      child.kill('SIGKILL');
      resolve({ killed: true, shotsAtKill: shots });
    }, POLL_MS);
    child.once('exit', () => {
      clearInterval(timer);
      resolve({ killed: false, shotsAtKill: screenshots(dataDir) });
    });
  });
}

async function readOutcome(dataDir: string) {
  const db: Db = await openDb({ dataDir: path.join(dataDir, 'db') });
  try {
    const [c] = await db.query<{ id: string; state: string }>('SELECT id, state FROM cases');
    const posting = c ? await getPosting(db, c.id) : undefined;
    return { caseState: c?.state, posting };
  } finally {
    await db.close();
  }
}

describe('SIGKILL during a posting, then restart', () => {
  it.each(KILL_POINTS)(
    'killed in %s: the ERP holds the invoice once',
    async (_name, trigger) => {
      const dir = mkdtempSync(path.join(work, 'case-'));
      const events: ErpEvent[] = [];
      const erp: FixtureErp = await startFixtureErp({
        dataFile: path.join(dir, 'erp.json'),
        users: { bot: PASSWORD },
        // Slow enough that every page-changing step is a visible moment.
        faults: { latencyMs: 150 },
        onEvent: (e) => events.push(e),
      });
      try {
        const configFile = writeConfig(dir, erp.url);
        const dataDir = path.join(dir, 'data');
        const first = startRun(configFile);
        const kill = await killWhen(first, trigger, dataDir, events);
        await exited(first);
        expect(kill.killed, `the run ended before ${_name}`).toBe(true);

        const second = startRun(configFile);
        let output = '';
        second.stdout!.on('data', (d) => (output += d));
        second.stderr!.on('data', (d) => (output += d));
        expect(await exited(second), output).toBe(0);

        const posted = erp.listInvoices().filter((i) => i.invoiceNumber === INVOICE_NUMBER);
        expect(posted).toHaveLength(1);
        const outcome = await readOutcome(dataDir);
        expect(outcome.caseState).toBe('posted');
        expect(outcome.posting?.state).toBe('posted');
        expect(outcome.posting?.erpDocumentNumber).toBe(posted[0]!.documentNumber);
        console.log(
          `kill matrix: ${_name}: screenshots at kill ${kill.shotsAtKill.join(',') || '-'}; ` +
            `ERP saves ${events.filter((e) => e.kind === 'saved').length}; ` +
            `ledger attempts ${outcome.posting?.attempts}`,
        );
      } finally {
        await erp.close();
      }
    },
    120_000,
  );
});
