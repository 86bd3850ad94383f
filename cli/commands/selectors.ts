import path from 'node:path';
import { checkSelectorMaps, type ElementCheck, type ReleaseCheck } from '../../bots/post/index.ts';
import { readSecret } from '../../config/load.ts';
import { SystemError } from '../../runner/errors.ts';
import { configFrom, type GlobalOptions, loggerFor } from '../open-runtime.ts';

export interface SelectorsCheckOptions extends GlobalOptions {
  /** The target's login page; default: the configured target of this system. */
  url?: string;
  /** A release name, `auto` (default: the live one) or `all`. */
  release?: string;
  /** Another folder of selector maps (e.g. a map under review). */
  selectorsDir?: string;
  json?: boolean;
}

/**
 * `rpa selectors check SYSTEM`: walks the live UI with the selector maps and lists missing and
 * ambiguous elements per release. Exits 1 when the live release's map (or the one named) has a
 * selector the browser cannot parse, or a required element that is missing, ambiguous or in a
 * list that showed no rows; or when no map fits the live UI at all.
 */
export async function checkSelectors(system: string, options: SelectorsCheckOptions) {
  const config = configFrom(options);
  const target = Object.values(config.targets).find((t) => t.system === system);
  const baseUrl = options.url ?? target?.baseUrl;
  if (!baseUrl || !target) {
    throw new SystemError(
      'CONFIG_INVALID',
      `no target of system ${system} in the config (its user and password are needed)`,
    );
  }
  const reports = await checkSelectorMaps({
    system,
    baseUrl,
    user: target.user,
    password: readSecret(target.password),
    release: options.release ?? 'auto',
    browser: config.browser,
    logger: loggerFor({ ...config, log: { ...config.log, console: false } }),
    selectorsDir: options.selectorsDir && path.resolve(options.selectorsDir),
  });
  const judged = reports.filter((r) => r.isLive || (options.release ?? 'auto') !== 'all');
  const isBroken = judged.length === 0 || judged.some((r) => defects(r).length > 0);
  if (options.json) console.log(JSON.stringify({ system, baseUrl, reports, isBroken }, null, 2));
  else printReports(system, reports);
  if (isBroken) process.exitCode = 1;
}

/** What makes a map unfit to post with: any unparsable selector, any doubt on a required element. */
function defects(report: ReleaseCheck): ElementCheck[] {
  return report.elements.filter(
    (e) =>
      e.status === 'invalid' ||
      (e.required && ['missing', 'ambiguous', 'no-rows'].includes(e.status)),
  );
}

const EXPLAIN: Partial<Record<ElementCheck['status'], string>> = {
  'no-rows':
    'no row matched: the list was empty or the row selector is wrong; enter one invoice in this (test) system by hand and check again',
};

function printReports(system: string, reports: ReleaseCheck[]): void {
  if (!reports.some((r) => r.isLive)) console.log(`No selector map of ${system} fits the live UI.`);
  for (const r of reports) {
    const count = (s: string) => r.elements.filter((e) => e.status === s).length;
    console.log(
      `${system}/${r.release}${r.isLive ? ' (live)' : ''}: ${count('ok')} ok, ` +
        `${count('fallback')} via fallback, ${count('ambiguous')} ambiguous, ` +
        `${count('invalid')} invalid, ${count('missing')} missing, ${count('no-rows')} in empty lists, ` +
        `${count('unchecked')} not reachable without saving; ${defects(r).length} to fix`,
    );
    if (r.walkError) console.log(`  walk stopped: ${r.walkError}`);
    for (const e of r.elements) {
      if (e.status === 'ok' || e.status === 'unchecked') continue;
      const where = e.selector ? ` ${e.selector} (${e.matches} on ${e.screen})` : '';
      const frame = e.frame ? ` in frame ${e.frame}` : '';
      const notInMap = e.notInMap ? ' (the posting flow needs it; the map does not name it)' : '';
      console.log(
        `  ${e.status.padEnd(9)} ${e.element}${frame}${e.required ? ' [required]' : ''}${where}${notInMap}`,
      );
      for (const problem of e.invalid ?? []) console.log(`            unparsable: ${problem}`);
      if (EXPLAIN[e.status]) console.log(`            ${EXPLAIN[e.status]}`);
    }
  }
}
