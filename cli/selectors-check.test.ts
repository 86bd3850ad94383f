import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { type FixtureErp, startFixtureErp } from '../fixtures/erp/server.ts';
import { DEFAULT_SELECTORS_DIR } from '../runner/selectors.ts';

/** `rpa selectors check` as an operator runs it: a child process against a live fixture ERP. */
const REPO = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);
const work = mkdtempSync(path.join(os.tmpdir(), 'rpa-selcheck-'));
const erps: Record<'v1' | 'v2' | 'empty', FixtureErp> = {} as never;

interface Verdict {
  code: number;
  reports: Array<{
    release: string;
    isLive: boolean;
    elements: Array<{
      element: string;
      status: string;
      required: boolean;
      kind?: string;
      frame?: string;
    }>;
  }>;
}

async function check(release: keyof typeof erps, ...args: string[]): Promise<Verdict> {
  return checkAt(erps[release]!.url, 'pw', ...args);
}

/** The check against `url`, signing in with `password`; stderr kept for a failed run. */
async function checkAt(url: string, password: string, ...args: string[]) {
  const result = await runCheck(url, password, ...args);
  return { code: result.code, ...JSON.parse(result.stdout || '{}') } as Verdict;
}

async function runCheck(url: string, password: string, ...args: string[]) {
  const config = path.join(work, `rpa-${new URL(url).port}.json`);
  const target = { baseUrl: url, user: 'bot', password: { env: 'SELCHECK_PW' } };
  writeFileSync(config, JSON.stringify({ dataDir: work, targets: { erp: target } }));
  const cli = [path.join(REPO, 'bin/rpa.mjs'), 'selectors', 'check', 'fixture-erp'];
  try {
    const out = await run(process.execPath, [...cli, '-c', config, '--json', ...args], {
      cwd: REPO,
      env: { ...process.env, SELCHECK_PW: password },
    });
    return { code: 0, stdout: out.stdout, stderr: out.stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function statusOf(v: Verdict, release: string, element: string) {
  const report = v.reports.find((r) => r.release === release)!;
  return report.elements.find((e) => e.element === element)?.status;
}

beforeAll(async () => {
  for (const release of ['v1', 'v2'] as const) {
    erps[release] = await startFixtureErp({
      dataFile: path.join(work, `erp-${release}.json`),
      users: { bot: 'pw' },
      release,
    });
    // Two posted invoices, so the search screen shows result rows to check.
    for (const invoiceNumber of ['A-1', 'A-2']) {
      erps[release].addInvoice({
        vendorName: 'ACME GmbH',
        vendorVatId: '',
        invoiceNumber,
        invoiceDate: '2026-01-02',
        dueDate: '',
        currency: 'EUR',
        net: '10.00',
        tax: '1.90',
        gross: '11.90',
        poReference: '',
        lines: [],
        attachment: null,
        postedBy: 'clerk',
        release,
      });
    }
  }
});

beforeAll(async () => {
  // A fresh test system: nothing posted yet, so the search shows no rows.
  erps.empty = await startFixtureErp({
    dataFile: path.join(work, 'erp-empty.json'),
    users: { bot: 'pw' },
    release: 'v1',
  });
});

afterAll(async () => {
  for (const erp of Object.values(erps)) await erp.close();
  rmSync(work, { recursive: true, force: true });
});

describe('rpa selectors check', () => {
  it.each(['v1', 'v2'] as const)('passes the shipped map against a live %s UI', async (release) => {
    const verdict = await check(release);
    expect(verdict.code).toBe(0);
    expect(verdict.reports).toHaveLength(1);
    const [report] = verdict.reports;
    expect(report).toMatchObject({ release, isLive: true });
    const bad = report!.elements.filter((e) => ['missing', 'ambiguous'].includes(e.status));
    expect(bad).toEqual([]);
    expect(statusOf(verdict, release, 'search.result_row')).toBe('ok');
  });

  it('lists every release with --release all and judges the live one', async () => {
    const verdict = await check('v2', '--release', 'all');
    expect(verdict.code).toBe(0);
    expect(verdict.reports.map((r) => [r.release, r.isLive])).toEqual([
      ['v1', false],
      ['v2', true],
    ]);
    expect(statusOf(verdict, 'v1', 'invoice.save')).toBe('missing');
  });

  it('exits 1 when the named release does not fit the live UI', async () => {
    const verdict = await check('v1', '--release', 'v2');
    expect(verdict.code).toBe(1);
    expect(statusOf(verdict, 'v2', 'invoice.save')).toBe('missing');
  });

  it('names missing and ambiguous elements of a broken map', async () => {
    const dir = path.join(work, 'broken-selectors');
    cpSync(DEFAULT_SELECTORS_DIR, dir, { recursive: true });
    const file = path.join(dir, 'fixture-erp', 'v1.yaml');
    const map = parseYaml(readFileSync(file, 'utf8'));
    map.elements['invoice.net_total'] = { primary: '#ctl00_ph_x7f3_txtNetAmount' };
    map.elements['invoice.order_reference'] = { primary: 'form#frmEntry input[type="text"]' };
    writeFileSync(file, stringifyYaml(map));
    const verdict = await check('v1', '--selectors-dir', dir);
    expect(verdict.code).toBe(1);
    expect(statusOf(verdict, 'v1', 'invoice.net_total')).toBe('missing');
    expect(statusOf(verdict, 'v1', 'invoice.order_reference')).toBe('ambiguous');
    expect(statusOf(verdict, 'v1', 'invoice.gross_total')).toBe('ok');
  });

  it('lists a frame whose selectors fit no iframe, and the elements it holds, as missing', async () => {
    const dir = path.join(work, 'broken-frame');
    cpSync(DEFAULT_SELECTORS_DIR, dir, { recursive: true });
    const file = path.join(dir, 'fixture-erp', 'v2.yaml');
    const map = parseYaml(readFileSync(file, 'utf8'));
    map.frames.work = { primary: 'iframe#ctl00_ifrMain', fallbacks: ['frame[name="main"]'] };
    writeFileSync(file, stringifyYaml(map));
    const verdict = await check('v2', '--selectors-dir', dir);
    expect(verdict.code).toBe(1);
    const report = verdict.reports[0]!;
    expect(report.elements.find((e) => e.element === 'frames.work')).toMatchObject({
      kind: 'frame',
      status: 'missing',
      required: true,
    });
    expect(report.elements.find((e) => e.element === 'invoice.vendor_name')).toMatchObject({
      frame: 'work',
      status: 'missing',
      required: true,
    });
    expect(statusOf(verdict, 'v2', 'menu.invoice_entry')).toBe('ok');
  });

  it('lists an element that matches many inside the frame as ambiguous', async () => {
    const dir = path.join(work, 'ambiguous-in-frame');
    cpSync(DEFAULT_SELECTORS_DIR, dir, { recursive: true });
    const file = path.join(dir, 'fixture-erp', 'v2.yaml');
    const map = parseYaml(readFileSync(file, 'utf8'));
    map.elements['invoice.tax_total'].primary = 'form#frmEntry input[type="text"]';
    writeFileSync(file, stringifyYaml(map));
    const verdict = await check('v2', '--selectors-dir', dir);
    // An amount field that could be any of the form's inputs is not fit to post with.
    expect(verdict.code).toBe(1);
    expect(statusOf(verdict, 'v2', 'invoice.tax_total')).toBe('ambiguous');
    expect(statusOf(verdict, 'v2', 'frames.work')).toBe('ok');
  });

  it('counts a required element the map does not name, and an unparsable selector', async () => {
    const dir = path.join(work, 'incomplete');
    cpSync(DEFAULT_SELECTORS_DIR, dir, { recursive: true });
    const file = path.join(dir, 'fixture-erp', 'v1.yaml');
    const map = parseYaml(readFileSync(file, 'utf8'));
    delete map.elements['invoice.gross_total'];
    map.elements['invoice.vendor_vat_id'].primary = '#ctl00_ph_x7f3_txtVatId[[[';
    writeFileSync(file, stringifyYaml(map));
    const verdict = await check('v1', '--selectors-dir', dir);
    expect(verdict.code).toBe(1);
    const report = verdict.reports[0]!;
    expect(report.elements.find((e) => e.element === 'invoice.gross_total')).toMatchObject({
      status: 'missing',
      required: true,
      notInMap: true,
    });
    // The fallback still finds the field, but the map has a typo to fix.
    expect(report.elements.find((e) => e.element === 'invoice.vendor_vat_id')).toMatchObject({
      status: 'invalid',
      invalid: [expect.stringContaining('#ctl00_ph_x7f3_txtVatId[[[')],
    });
  });

  it('says a list with no rows could not be checked, on a system where nothing is posted yet', async () => {
    const { code, stdout } = await runCheck(erps.empty.url, 'pw');
    expect(code).toBe(1);
    expect(stdout).toContain('"status": "no-rows"');
    expect(stdout).not.toContain('"status": "missing"');
  });

  it('gives the real reason when there is nothing to check: no answer, a map that does not load, a refused password', async () => {
    const dead = await runCheck('http://127.0.0.1:1/', 'pw');
    expect(dead.code).toBe(2);
    expect(dead.stderr).toMatch(/TARGET_UNAVAILABLE/);
    const dir = path.join(work, 'bad-yaml');
    cpSync(DEFAULT_SELECTORS_DIR, dir, { recursive: true });
    const file = path.join(dir, 'fixture-erp', 'v1.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('fallbacks:', 'fallback:'));
    const badMap = await runCheck(erps.v1.url, 'pw', '--selectors-dir', dir);
    expect(badMap.code).toBe(2);
    expect(badMap.stderr).toMatch(/Unrecognized key.*fallback/);
    const refused = await runCheck(erps.v1.url, 'wrong');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/TARGET_LOGIN_FAILED/);
  });
});
