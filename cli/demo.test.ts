import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `rpa demo` as the README walks it, on two of the bundled invoices: a first run posts the
 * clean one and leaves the large one awaiting approval; three people approve it from the CLI
 * (no target there, so it waits in approved); the next demo run posts it and says so.
 */
const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '..');
const DEMO = path.join(REPO, 'fixtures/demo');
const DECISIONS = path.join(REPO, 'config/examples/demo-decisions.yaml');
const work = mkdtempSync(path.join(os.tmpdir(), 'rpa-demo-cli-'));
const files = path.join(work, 'in');
const dataDir = path.join(work, 'data');

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

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('rpa demo run after run', () => {
  it('counts a case approved since the last run among those posted in this one', async () => {
    mkdirSync(files);
    for (const name of ['02_INV-000468.pdf', '68_invoice_KS2503798.pdf'])
      copyFileSync(path.join(DEMO, name), path.join(files, name));

    const first = await rpa('demo', '--files', files, '--data-dir', dataDir);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Posted in this run: 1\n {2}C-\w+ 02_INV-000468\.pdf -> AP-/);
    const waiting = /awaiting approval: (C-[0-9a-f]{12}) 68_invoice_KS2503798\.pdf/.exec(
      first.stdout,
    )?.[1];
    expect(waiting).toBeDefined();

    for (const user of ['tom', 'fiona', 'chris']) {
      const signed = await rpa(
        '-c',
        DECISIONS,
        '--data-dir',
        dataDir,
        'approve',
        waiting!,
        '--as',
        user,
      );
      expect(signed.code, signed.stderr).toBe(0);
    }

    const second = await rpa('demo', '--files', files, '--data-dir', dataDir);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('Already received, not processed again: 2');
    expect(second.stdout).toMatch(
      new RegExp(`Posted in this run: 1\\n {2}${waiting} 68_invoice_KS2503798\\.pdf -> AP-`),
    );
  }, 180_000);
});
