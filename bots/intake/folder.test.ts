import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { samplePdf, sampleUbl } from '../../fixtures/mail/sample-files.ts';
import { errorCodeOf } from '../../runner/errors.ts';
import { silentLogger } from '../../runner/logger.ts';
import { type FolderFile, readLocalFile, scanDropFolder } from './folder.ts';

let dir: string;
const NOW_MS = Date.UTC(2024, 5, 1, 12, 0, 0);
const SETTLED = new Date(NOW_MS - 60_000);

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rpa-drop-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function put(name: string, bytes: Buffer, modified = SETTLED) {
  await writeFile(path.join(dir, name), bytes);
  await utimes(path.join(dir, name), modified, modified);
}

function collectingSink(verdict: 'accepted' | 'rejected' = 'accepted') {
  const seen: FolderFile[] = [];
  const sink = async (file: FolderFile) => {
    seen.push(file);
    return verdict;
  };
  return { seen, sink };
}

describe('scanDropFolder', () => {
  it('hands on settled files, skips dotfiles and files still being written, and moves the done', async () => {
    await put('a.pdf', samplePdf('A'));
    await put('b.xml', sampleUbl('INV-1', 100));
    await put('.partial.pdf', samplePdf('hidden'));
    await put('fresh.pdf', samplePdf('fresh'), new Date(NOW_MS - 500));
    const { seen, sink } = collectingSink();

    const result = await scanDropFolder({ path: dir, doneFolder: 'done' }, sink, silentLogger, {
      nowMs: () => NOW_MS,
    });

    expect(result).toEqual({ accepted: 2, rejected: 0, waiting: 1 });
    expect(seen.map((f) => [f.fileName, f.mediaType, f.source])).toEqual([
      ['a.pdf', 'application/pdf', { kind: 'folder', path: path.join(dir, 'a.pdf') }],
      ['b.xml', 'application/xml', { kind: 'folder', path: path.join(dir, 'b.xml') }],
    ]);
    expect((await readdir(dir)).sort()).toEqual(['.partial.pdf', 'done', 'fresh.pdf']);
    expect((await readdir(path.join(dir, 'done'))).sort()).toEqual(['a.pdf', 'b.xml']);
  });

  it('moves unsupported and sink-rejected files to done/rejected without overwriting', async () => {
    await put('notes.txt', Buffer.from('not an invoice'));
    await put('a.pdf', samplePdf('A'));
    const { seen, sink } = collectingSink('rejected');
    const options = { nowMs: () => NOW_MS };
    await scanDropFolder({ path: dir, doneFolder: 'done' }, sink, silentLogger, options);
    await put('a.pdf', samplePdf('A again'));

    const result = await scanDropFolder(
      { path: dir, doneFolder: 'done' },
      sink,
      silentLogger,
      options,
    );

    expect(result).toEqual({ accepted: 0, rejected: 1, waiting: 0 });
    expect(seen.map((f) => f.fileName)).toEqual(['a.pdf', 'a.pdf']);
    expect((await readdir(path.join(dir, 'done', 'rejected'))).sort()).toEqual([
      'a-2.pdf',
      'a.pdf',
      'notes.txt',
    ]);
  });

  it('leaves files in place without a done folder', async () => {
    await put('a.pdf', samplePdf('A'));
    const { seen, sink } = collectingSink();
    await scanDropFolder({ path: dir }, sink, silentLogger, { nowMs: () => NOW_MS });
    expect(seen).toHaveLength(1);
    expect(await readdir(dir)).toEqual(['a.pdf']);
  });
});

describe('readLocalFile', () => {
  it('reads a file with its media type and a cli source', async () => {
    await put('scan.pdf', samplePdf('X'));
    const file = await readLocalFile(path.join(dir, 'scan.pdf'));
    expect(file).toMatchObject({ fileName: 'scan.pdf', mediaType: 'application/pdf' });
    expect(file.source).toEqual({ kind: 'cli', path: path.join(dir, 'scan.pdf') });
  });

  it('refuses a missing, an unsupported and a too large file with their codes', async () => {
    await put('notes.txt', Buffer.from('hello'));
    await put('big.pdf', samplePdf('big'));
    const missing = await readLocalFile(path.join(dir, 'nope.pdf')).catch((e) => e);
    const text = await readLocalFile(path.join(dir, 'notes.txt')).catch((e) => e);
    const big = await readLocalFile(path.join(dir, 'big.pdf'), { maxFileBytes: 10 }).catch(
      (e) => e,
    );
    expect([missing, text, big].map(errorCodeOf)).toEqual([
      'FILE_UNREADABLE',
      'UNSUPPORTED_FILE',
      'FILE_TOO_LARGE',
    ]);
    expect(text.message).toContain('notes.txt');
  });
});
