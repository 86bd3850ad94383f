import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ensureDir } from '../runner/ensure-dir.ts';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root, for starting the fixture ERP as its own process. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface FixtureErpProcess {
  url: string;
  password: string;
  stop(): Promise<void>;
}

/**
 * Starts the fixture ERP in a child process. The product never imports the fixtures (they
 * stand in for a customer's real ERP); it talks to this one over HTTP like to any other. A
 * fresh random password per start shows the bot's secret handling on the demo too.
 */
export async function startFixtureErpProcess(dataFile: string): Promise<FixtureErpProcess> {
  const password = randomBytes(12).toString('base64url');
  ensureDir(path.dirname(dataFile));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(REPO_ROOT, 'fixtures/erp/main.ts'),
      '--data',
      dataFile,
      '--port',
      '0',
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, FIXTURE_ERP_PASSWORD: password },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await readUrl(child);
  return {
    url,
    password,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function readUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    child.once('exit', (code) => reject(new Error(`Fixture ERP exited with code ${code}`)));
    lines.once('line', (line) => {
      try {
        resolve(String(JSON.parse(line).url));
      } catch (error) {
        reject(new Error(`Fixture ERP printed no URL: ${line}`, { cause: error }));
      }
    });
  });
}
