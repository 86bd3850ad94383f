import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../bots/route/load-policy.ts';
import { ConfigError, loadConfig, readSecret } from './load.ts';

const EXAMPLES = path.resolve(import.meta.dirname, 'examples');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'rpa-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('loadConfig', () => {
  it('reads the full example and resolves its paths against the file', () => {
    const config = loadConfig(path.join(EXAMPLES, 'rpa.config.yaml'), {});
    expect(config.sources.mailboxes.map((m) => m.name)).toEqual(['ap-inbox', 'ap-subsidiary']);
    expect(config.policyFile).toBe(path.join(EXAMPLES, 'policy.yaml'));
    expect(config.masterData).toEqual([path.join(EXAMPLES, 'master.yaml')]);
    expect(config.intake.sheetMappingsFile).toBe(path.join(EXAMPLES, 'spreadsheet-mappings.yaml'));
    expect(config.log.file).toBe('/var/lib/rpa/logs/rpa.log');
    // The policy it names loads too, with its user directory.
    expect(() => loadPolicy(config.policyFile!)).not.toThrow();
  });

  it('lets the environment override the file', () => {
    const config = loadConfig(path.join(EXAMPLES, 'rpa.config.yaml'), {
      DATABASE_URL: 'postgres://other/rpa',
      RPA_QUEUE_MODE: 'in-process',
    });
    expect(config.databaseUrl).toBe('postgres://other/rpa');
    expect(config.queue.mode).toBe('in-process');
  });

  it('runs on embedded defaults without a file', () => {
    const config = loadConfig(null, {});
    expect(config.queue.mode).toBe('auto');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe(path.resolve('data'));
  });

  it('names the setting that is wrong, and unknown keys are errors', () => {
    const file = path.join(tmp, 'bad.yaml');
    writeFileSync(file, 'queue:\n  atempts: 3\nextract:\n  ocrWorkers: zero\n');
    expect(() => loadConfig(file, {})).toThrow(ConfigError);
    expect(() => loadConfig(file, {})).toThrow(/queue.*atempts|extract\.ocrWorkers/s);
  });

  it('refuses a file that is not a mapping, or not YAML', () => {
    const list = path.join(tmp, 'list.yaml');
    writeFileSync(list, '- a\n- b\n');
    expect(() => loadConfig(list, {})).toThrow(/mapping/);
    const broken = path.join(tmp, 'broken.yaml');
    writeFileSync(broken, 'queue: [\n');
    expect(() => loadConfig(broken, {})).toThrow(/not valid YAML/);
    expect(() => loadConfig(path.join(tmp, 'missing.yaml'), {})).toThrow(/not found/);
  });
});

describe('readSecret', () => {
  it('takes the environment first, then the file without its trailing newline', () => {
    const file = path.join(tmp, 'secret');
    writeFileSync(file, 's3cret\n');
    expect(readSecret({ env: 'X_PW', file }, { X_PW: 'from-env' })).toBe('from-env');
    expect(readSecret({ env: 'X_PW', file }, {})).toBe('s3cret');
  });

  it('says where it looked, never a value', () => {
    expect(() => readSecret({ env: 'NOT_SET_PW' }, {})).toThrow('expected it in env NOT_SET_PW');
  });
});
