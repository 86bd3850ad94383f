import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleZip, sampleZipBomb } from '../../../fixtures/mail/sample-containers.ts';
import { samplePdf } from '../../../fixtures/mail/sample-files.ts';
import { writeMail } from '../../../fixtures/mail/write-mail.ts';
import { collectFiles } from '../mail/collect-files.ts';
import { loadSheetMappings } from '../sheets/sheet-mapping.ts';
import { expandContainer, sha256Of } from './expand-container.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const mappings = loadSheetMappings(path.join(ROOT, 'config/examples/spreadsheet-mappings.yaml'));
const scratch = mkdtempSync(path.join(tmpdir(), 'rpa-rows-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the real `rpa extract` on a derived document, as an operator would. */
async function extractFields(fileName: string, bytes: Buffer) {
  const file = path.join(scratch, fileName);
  writeFileSync(file, bytes);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [path.join(ROOT, 'bin/rpa.mjs'), 'extract', file, '--json'],
    { cwd: ROOT },
  );
  const fields: Record<string, { value: unknown }> = JSON.parse(stdout).fields;
  return Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, field.value]));
}

describe('zip attachments', () => {
  it('takes entries and one nested zip, naming each parent, and skips deeper zips', async () => {
    const fixture = await writeMail('zip', 1);
    const mail = await collectFiles(fixture.raw);
    const byName = new Map(mail.files.map((f) => [f.fileName, f]));
    expect(mail.files.map((f) => f.fileName)).toEqual(fixture.expected.map((e) => e.fileName));
    for (const expected of fixture.expected) {
      const got = byName.get(expected.fileName)!;
      expect(got.bytes.equals(expected.bytes)).toBe(true);
      expect(got.isContainer === true).toBe(expected.isContainer === true);
      const parent = fixture.expected.find((e) => e.fileName === expected.parentFileName);
      expect(got.parentSha256).toBe(parent ? sha256Of(parent.bytes) : undefined);
    }
    expect(mail.skipped).toEqual([
      { fileName: 'readme.txt', reason: 'unsupported' },
      { fileName: 'deeper.zip', reason: 'too-deep' },
    ]);
  });

  it('refuses a zip bomb before inflating it', async () => {
    const mail = await collectFiles((await writeMail('zip-bomb', 1)).raw);
    expect(mail.files).toEqual([]);
    expect(mail.skipped).toEqual([
      expect.objectContaining({
        fileName: 'invoice.zip',
        reason: 'refused',
        code: 'ARCHIVE_UNSAFE',
      }),
    ]);
    expect(mail.skipped[0]?.message).toMatch(/expands \d+-fold/);
  });

  it('refuses archives over the entry count or total size', () => {
    const pdf = samplePdf('x');
    const many = sampleZip(
      Array.from({ length: 5 }, (_, i) => [`${i}.pdf`, pdf] as [string, Buffer]),
      0,
    );
    const limits = { maxEntries: 4, maxTotalBytes: 1_000_000, maxRatio: 100 };
    const file = { fileName: 'many.zip', bytes: many, mediaType: 'application/zip' as const };
    expect(expandContainer(file, { zipLimits: limits }).skipped[0]?.message).toMatch(
      /more than 4 entries/,
    );
    const small = { ...limits, maxEntries: 100, maxTotalBytes: pdf.length * 3 };
    expect(expandContainer(file, { zipLimits: small }).skipped[0]?.message).toMatch(
      /bytes uncompressed/,
    );
    const bomb = {
      fileName: 'b.zip',
      bytes: sampleZipBomb(200_000),
      mediaType: 'application/zip' as const,
    };
    expect(expandContainer(bomb).skipped[0]?.code).toBe('ARCHIVE_UNSAFE');
  });

  it('refuses a damaged zip with a clear error', () => {
    const broken = sampleZip([['a.pdf', samplePdf('a')]]).subarray(0, 40);
    const file = {
      fileName: 'broken.zip',
      bytes: Buffer.from(broken),
      mediaType: 'application/zip' as const,
    };
    expect(expandContainer(file).skipped[0]?.message).toMatch(
      /archive broken\.zip refused: damaged/,
    );
  });

  it('flattens unsafe entry paths (zip-slip) into plain file names', async () => {
    const fixture = await writeMail('zip-slip', 1);
    const mail = await collectFiles(fixture.raw);
    expect(mail.files.map((f) => f.fileName)).toEqual(fixture.expected.map((e) => e.fileName));
    expect(mail.files.every((f) => !/[/\\]|\.\./.test(f.fileName))).toBe(true);
  });
});

describe('invoice lists', () => {
  for (const kind of ['xlsx', 'csv-1252'] as const) {
    it(`turns each ${kind} row into a UBL invoice the extractor reads, holding bad rows`, {
      timeout: 120_000,
    }, async () => {
      const fixture = await writeMail(kind, 1);
      const mail = await collectFiles(fixture.raw, { sheetMappings: mappings });
      const [sheet, ...rows] = mail.files;
      expect(sheet?.isContainer).toBe(true);
      expect(sheet?.bytes.equals(fixture.expected[0]!.bytes)).toBe(true);
      expect(rows).toHaveLength(fixture.rows!.length);
      const read = await Promise.all(rows.map((row) => extractFields(row.fileName, row.bytes)));
      for (const [index, row] of rows.entries()) {
        expect(row.parentSha256).toBe(sha256Of(sheet!.bytes));
        expect(row.mediaType).toBe('application/xml');
        expect(read[index]).toMatchObject(fixture.rows![index]!);
      }
      expect(mail.rowProblems).toEqual([
        {
          fileName: fixture.expected[0]!.fileName,
          rowNumber: 4,
          problems: [expect.stringMatching(/^issue_date: /)],
        },
      ]);
      expect(rows[2]?.bytes.toString()).toContain('Not mapped: issue_date');
    });
  }

  it('writes the same derived bytes each time, so a list sent twice opens no second case', async () => {
    const raw = (await writeMail('xlsx', 2)).raw;
    const [a, b] = [
      await collectFiles(raw, { sheetMappings: mappings }),
      await collectFiles(raw, { sheetMappings: mappings }),
    ];
    expect(a.files.map((f) => sha256Of(f.bytes))).toEqual(b.files.map((f) => sha256Of(f.bytes)));
  });

  it('does not take a list no mapping matches, and says so', async () => {
    const mail = await collectFiles((await writeMail('csv-1252', 1)).raw);
    expect(mail.files).toEqual([]);
    expect(mail.skipped).toEqual([{ fileName: 'Rechnungen_März.csv', reason: 'no-mapping' }]);
  });
});
