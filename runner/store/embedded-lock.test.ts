import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockEmbeddedDb } from './embedded-lock.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'embedded-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('lockEmbeddedDb', () => {
  it('holds the folder for this process and lets go on release', () => {
    const dir = path.join(root, 'a');
    const release = lockEmbeddedDb(dir);
    expect(readFileSync(`${dir}.lock`, 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(`${dir}.lock`)).toBe(false);
  });

  it('refuses a folder another live process holds, naming it', () => {
    const dir = path.join(root, 'b');
    writeFileSync(`${dir}.lock`, String(process.ppid));
    expect(() => lockEmbeddedDb(dir)).toThrow(
      expect.objectContaining({
        code: 'STORE_UNAVAILABLE',
        message: expect.stringContaining(`in use by process ${process.ppid}`),
      }),
    );
  });

  it('takes over the lock of a process that is gone', () => {
    const dir = path.join(root, 'c');
    writeFileSync(`${dir}.lock`, '2147483646');
    const release = lockEmbeddedDb(dir);
    expect(readFileSync(`${dir}.lock`, 'utf8')).toBe(String(process.pid));
    release();
  });
});
