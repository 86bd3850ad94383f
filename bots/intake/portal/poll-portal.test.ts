import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixturePortal, startPortal } from '../../../fixtures/portal/server.ts';
import { SYSTEM_CHROMIUM } from '../../../runner/browser.ts';
import { errorCodeOf } from '../../../runner/errors.ts';
import { silentLogger } from '../../../runner/logger.ts';
import type { IncomingFile } from '../types.ts';
import { MemorySeenStore } from './memory-seen-store.ts';
import { type PortalPollOptions, type PortalSink, pollPortal } from './poll-portal.ts';

let portal: FixturePortal;
const scratch = mkdtempSync(path.join(tmpdir(), 'rpa-portal-'));
const SEEDS = Array.from({ length: 12 }, (_, i) => 500 + i);

beforeAll(async () => {
  portal = await startPortal({ user: 'ap-bot', password: 'pw-portal', seeds: SEEDS, pageSize: 5 });
});
afterAll(async () => {
  await portal?.close();
  rmSync(scratch, { recursive: true, force: true });
});

function config(password = 'pw-portal') {
  return {
    name: 'acme-portal',
    baseUrl: portal.url,
    user: 'ap-bot',
    password,
    system: 'fixture-portal',
    release: 'auto',
  };
}

function options(name: string): PortalPollOptions {
  return {
    browser: {
      executablePath: existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : undefined,
      headless: true,
    },
    evidenceDir: path.join(scratch, name),
    stepTimeoutMs: 10_000,
  };
}

function recordingSink() {
  const taken: IncomingFile[] = [];
  const sink: PortalSink = async (files) => {
    taken.push(...files);
  };
  return { sink, taken };
}

describe('pollPortal against the fixture supplier portal in real Chromium', () => {
  it('downloads every invoice once, then nothing, then only the one added on page 3', async () => {
    const seen = new MemorySeenStore();
    const first = recordingSink();

    const pass1 = await pollPortal(config(), first.sink, seen, silentLogger, options('pass1'));

    expect(pass1).toMatchObject({ pages: 3, listed: 12, downloaded: 12 });
    expect(first.taken.map((f) => f.source)).toEqual(
      portal.invoices.map((inv) => ({
        kind: 'portal',
        portal: 'acme-portal',
        reference: inv.reference,
      })),
    );
    for (const [index, file] of first.taken.entries()) {
      expect(file.bytes.equals(portal.invoices[index]!.pdf)).toBe(true);
      expect(file.mediaType).toBe('application/pdf');
      expect(file.fileName).toBe(
        `${portal.invoices[index]!.invoiceNumber.replace(/[^\w.-]/g, '_')}.pdf`,
      );
    }
    const shots = readdirSync(path.join(scratch, 'pass1'));
    expect(shots).toContain('01-open-sign-in.png');
    expect(shots).toContain('02-log-in.png');
    expect(shots.filter((f) => /-download-DOC-\d+\.png$/.test(f))).toHaveLength(12);

    const second = recordingSink();
    const pass2 = await pollPortal(config(), second.sink, seen, silentLogger, options('pass2'));
    expect(pass2).toMatchObject({ pages: 3, listed: 12, downloaded: 0 });
    expect(second.taken).toEqual([]);

    const added = portal.addInvoice(999);
    const third = recordingSink();
    const pass3 = await pollPortal(config(), third.sink, seen, silentLogger, options('pass3'));
    expect(pass3).toMatchObject({ pages: 3, listed: 13, downloaded: 1 });
    expect(third.taken.map((f) => f.source)).toEqual([
      { kind: 'portal', portal: 'acme-portal', reference: added.reference },
    ]);
    expect([...portal.downloads.values()].every((n) => n === 1)).toBe(true);
  });

  it('fails with TARGET_LOGIN_FAILED and the portal message on a wrong password', async () => {
    const { sink, taken } = recordingSink();
    const error = await pollPortal(
      config('wrong'),
      sink,
      new MemorySeenStore(),
      silentLogger,
      options('wrong'),
    ).catch((e) => e);

    expect(errorCodeOf(error)).toBe('TARGET_LOGIN_FAILED');
    expect(error.message).toBe(
      'portal acme-portal refused sign-in for user ap-bot: Invalid user name or password.',
    );
    expect(taken).toEqual([]);
    expect(readdirSync(path.join(scratch, 'wrong'))).toEqual(
      expect.arrayContaining(['02-log-in.png', '02-log-in.html']),
    );
  });
});
