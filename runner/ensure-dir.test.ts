import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDir } from './ensure-dir.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'ensure-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ensureDir', () => {
  it('creates missing parents and accepts a folder that exists', () => {
    const dir = path.join(root, 'a', 'b', 'c');
    ensureDir(dir);
    ensureDir(dir);
    expect(existsSync(dir)).toBe(true);
  });

  it('fails at once with the system error where no folder can be made', () => {
    writeFileSync(path.join(root, 'file'), '');
    expect(() => ensureDir(path.join(root, 'file', 'x'))).toThrow(/ENOTDIR/);
    // Node's recursive mkdir never returns here; one level at a time it fails.
    expect(() => ensureDir('/proc/no-such-folder/x')).toThrow(/ENOENT/);
  });
});
