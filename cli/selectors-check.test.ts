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
const erps: Record<string, FixtureErp> = {};

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

async function check(release: 'v1' | 'v2', ...args: string[]): Promise<Verdict> {
  const config = path.join(work, `rpa-${release}.json`);
  const target = { baseUrl: erps[release]!.url, user: 'bot', password: { env: 'SELCHECK_PW' } };
  writeFileSync(config, JSON.stringify({ dataDir: work, targets: { erp: target } }));
  const cli = [path.join(REPO, 'bin/rpa.mjs'), 'selectors', 'check', 'fixture-erp'];
  try {
    const out = await run(process.execPath, [...cli, '-c', config, '--json', ...args], {
      cwd: REPO,
      env: { ...process.env, SELCHECK_PW: 'pw' },
    });
    return { code: 0, ...JSON.parse(out.stdout) };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, ...JSON.parse(failed.stdout) };
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
    expect(verdict.code).toBe(0);
    expect(statusOf(verdict, 'v2', 'invoice.tax_total')).toBe('ambiguous');
    expect(statusOf(verdict, 'v2', 'frames.work')).toBe('ok');
  });
});
