import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type Config, configSchema, type SecretRef } from './schema.ts';

/** Thrown when configuration is unusable; the CLI prints it and exits without a stack. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/** Environment variables that override a file setting. Precedence: env > file > default. */
const ENV_OVERRIDES: Array<[string, (raw: Record<string, unknown>, value: string) => void]> = [
  ['RPA_DATA_DIR', (raw, v) => (raw.dataDir = v)],
  ['DATABASE_URL', (raw, v) => (raw.databaseUrl = v)],
  ['REDIS_URL', (raw, v) => (raw.redisUrl = v)],
  ['RPA_LOG_LEVEL', (raw, v) => setNested(raw, ['log', 'level'], v)],
  ['RPA_QUEUE_MODE', (raw, v) => setNested(raw, ['queue', 'mode'], v)],
  ['RPA_CHROMIUM_PATH', (raw, v) => setNested(raw, ['browser', 'executablePath'], v)],
];

function setNested(raw: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = raw;
  for (const key of keys.slice(0, -1)) {
    node[key] = (node[key] as Record<string, unknown> | undefined) ?? {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

/**
 * Reads the config file (YAML or JSON), applies environment overrides and validates the result.
 * With no file (`null`: do not look for one), embedded defaults are used. Relative paths in
 * the result are resolved against the file's folder (or the working directory without one).
 */
export function loadConfig(
  filePath?: string | null,
  env: NodeJS.ProcessEnv = process.env,
  overrides: Record<string, unknown> = {},
): Config {
  const file = filePath === null ? undefined : (filePath ?? env.RPA_CONFIG ?? defaultConfigFile());
  const raw = file ? readConfigFile(file) : {};
  for (const [name, apply] of ENV_OVERRIDES) {
    const value = env[name];
    if (value !== undefined && value !== '') apply(raw, value);
  }
  Object.assign(raw, overrides);
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new ConfigError(
      `Invalid configuration${file ? ` in ${file}` : ''}:\n${lines.join('\n')}`,
    );
  }
  const base = file ? path.dirname(path.resolve(file)) : process.cwd();
  return resolvePaths(parsed.data, base);
}

function defaultConfigFile(): string | undefined {
  return existsSync('rpa.config.yaml') ? 'rpa.config.yaml' : undefined;
}

function readConfigFile(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new ConfigError(`Config file not found: ${file}`);
  try {
    const value = parseYaml(readFileSync(file, 'utf8')) ?? {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new ConfigError(`Config file ${file} must hold a mapping at the top`);
    }
    return value as Record<string, unknown>;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`Config file ${file} is not valid YAML: ${(error as Error).message}`);
  }
}

function resolvePaths(config: Config, base: string): Config {
  const dataDir = path.resolve(base, config.dataDir);
  const fromBase = (file: string | undefined) => (file ? path.resolve(base, file) : undefined);
  return {
    ...config,
    dataDir,
    policyFile: fromBase(config.policyFile),
    usersFile: fromBase(config.usersFile),
    masterData: config.masterData.map((f) => path.resolve(base, f)),
    intake: { ...config.intake, sheetMappingsFile: fromBase(config.intake.sheetMappingsFile) },
    log: { ...config.log, file: path.resolve(dataDir, config.log.file) },
    sources: {
      ...config.sources,
      dropFolders: config.sources.dropFolders.map((f) => ({
        path: path.resolve(base, f.path),
        doneFolder: f.doneFolder ? path.resolve(base, f.doneFolder) : undefined,
      })),
    },
  };
}

/**
 * Reads a secret from the environment or a file. The value is returned to the caller only; it
 * must never be logged or written into evidence.
 */
export function readSecret(ref: SecretRef, env: NodeJS.ProcessEnv = process.env): string {
  if (ref.env && env[ref.env]) return env[ref.env]!;
  if (ref.file && existsSync(ref.file)) return readFileSync(ref.file, 'utf8').replace(/\r?\n$/, '');
  const where = [ref.env && `env ${ref.env}`, ref.file && `file ${ref.file}`].filter(Boolean);
  throw new ConfigError(`Secret not set: expected it in ${where.join(' or ')}`);
}
