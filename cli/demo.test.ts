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

describe('rpa demo --shadow', () => {
  it('shows a shadow-run case as not posted, not touchless, in the demo, status and evidence', async () => {
    const shadowFiles = path.join(work, 'shadow-in');
    const shadowData = path.join(work, 'shadow-data');
    mkdirSync(shadowFiles);
    copyFileSync(path.join(DEMO, '02_INV-000468.pdf'), path.join(shadowFiles, '02_INV-000468.pdf'));

    const demo = await rpa('demo', '--shadow', '--files', shadowFiles, '--data-dir', shadowData);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toContain('Posted in this run: 0');
    const caseId =
      /Shadow run, filled in but not posted: 1\n {2}(C-[0-9a-f]{12}) 02_INV-000468\.pdf/.exec(
        demo.stdout,
      )?.[1];
    expect(caseId, demo.stdout).toBeDefined();
    expect(demo.stdout).toContain('Cases: 1 (shadow run, not posted 1)');
    expect(demo.stdout).toContain('Touchless: 0 of 1 cases (0.0 %)');
    expect(demo.stdout).toContain('Shadow run, not posted: 1');

    const status = await rpa('status', '--data-dir', shadowData);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('Cases: 1 (shadow run, not posted 1)');
    expect(status.stdout).toContain('Touchless: 0 of 1 cases');
    expect(status.stdout).toContain(`${caseId}  shadow run, not posted  02_INV-000468.pdf`);
    const json = JSON.parse((await rpa('status', '--json', '--data-dir', shadowData)).stdout);
    expect(json.counts).toEqual({ approved: 1 });
    expect(json.outcomes).toMatchObject({ cases: 1, touchless: 0, shadowRun: 1 });
    expect(json.shadowRun).toEqual([
      expect.objectContaining({ caseId, file: '02_INV-000468.pdf' }),
    ]);

    const evidence = await rpa('evidence', caseId!, '--data-dir', shadowData);
    expect(evidence.code, evidence.stderr).toBe(0);
    expect(evidence.stdout).toMatch(/Posting: shadow \(shadow run, not posted\)/);
    expect(evidence.stdout).toMatch(/bot:post-erp case\.shadow-run/);
    expect(evidence.stdout).not.toContain('shadow-posted');
  }, 180_000);
});
