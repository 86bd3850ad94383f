import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { errorCodeOf } from '../../runner/errors.ts';
import { silentLogger } from '../../runner/logger.ts';
import { listCorpus } from '../../scripts/lib/corpus.ts';
import { closeExtractors, explainTemplate, extractDocument } from './index.ts';
import { chooseTemplate, loadTemplates } from './vendor-templates.ts';

const options = {
  ocrWorkers: 1,
  ocrPageTimeoutMs: 120_000,
  ocrRenderScale: 3,
  logger: silentLogger,
};
const corpus = listCorpus();
const entry = (name: string) => corpus.find((e) => e.path.endsWith(`compare/${name}`))!;
const input = (file: string) => ({ bytes: readFileSync(file), fileName: path.basename(file) });

afterAll(async () => {
  await closeExtractors();
});

describe('vendor templates', () => {
  it('ships valid templates', () => {
    const names = loadTemplates().map((t) => t.name);
    expect(names).toEqual(['amazon-web-services', 'netpresse', 'quality-hosting']);
  });

  it('rejects an invalid template file with CONFIG_INVALID naming it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rpa-templates-'));
    try {
      writeFileSync(path.join(dir, 'broken.yaml'), 'name: Broken Name\nmatch: {}\n');
      const error = (() => {
        try {
          loadTemplates(dir);
        } catch (e) {
          return e;
        }
      })();
      expect(errorCodeOf(error)).toBe('CONFIG_INVALID');
      expect(String((error as Error).message)).toContain('broken.yaml');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('matches by seller VAT id before keywords, and says why others did not', () => {
    const text = 'Some GmbH\nUSt-IdNr DE 232 446 240\nRechnung';
    const { match, misses } = chooseTemplate(loadTemplates(), text, undefined);
    expect(match?.template.name).toBe('quality-hosting');
    expect(match?.reasons[0]).toContain('DE232446240');
    expect(misses.find((m) => m.template === 'netpresse')?.reasons[0]).toContain(
      'keywords not found',
    );
  });

  it('explains a corpus invoice that a template fits', async () => {
    const explanation = await explainTemplate(input(entry('QualityHosting.pdf').path), options);
    expect(explanation.template).toBe('quality-hosting');
    expect(explanation.fields).toContain('buyer_name');
    expect(explanation.rejected.map((r) => r.template)).toContain('amazon-web-services');
  });

  it('explains why no template fits a demo invoice, and that XML needs none', async () => {
    const demo = path.resolve(import.meta.dirname, '../../fixtures/demo/02_INV-000468.pdf');
    const none = await explainTemplate(input(demo), options);
    expect(none.template).toBeUndefined();
    expect(none.reasons).toEqual(['no template matched']);
    expect(none.rejected).toHaveLength(3);
    const xml = await explainTemplate(
      { bytes: new TextEncoder().encode('<Invoice/>'), fileName: 'a.xml' },
      options,
    );
    expect(xml.reasons[0]).toMatch(/XML/);
  });

  it('overrides the generic names with the template values', async () => {
    for (const name of ['NetpresseInvoice.pdf', 'AmazonWebServices.pdf', 'QualityHosting.pdf']) {
      const e = entry(name);
      const result = await extractDocument(input(e.path), options);
      expect(result.fields.seller_name?.value, name).toBe(e.expected['seller_name']);
      expect(result.fields.buyer_name?.value, name).toBe(e.expected['buyer_name']);
      expect(result.fields.buyer_name?.source).toBe('template');
      expect(result.warnings.join('\n')).toMatch(/^template .* applied to/m);
    }
  });

  it('is shown by `rpa extract --explain-template`, with the reasons and the misses', async () => {
    const repo = path.resolve(import.meta.dirname, '../..');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['bin/rpa.mjs', 'extract', '--explain-template', '--json', entry('QualityHosting.pdf').path],
      { cwd: repo, env: { ...process.env, RPA_QUEUE_MODE: 'in-process' } },
    );
    const out = JSON.parse(stdout);
    expect(out.template).toBe('quality-hosting');
    expect(out.reasons.join(' ')).toMatch(/VAT id DE232446240/);
    expect(out.rejected).toHaveLength(2);
  });
});
