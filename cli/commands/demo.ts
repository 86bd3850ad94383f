import { readdirSync } from 'node:fs';
import path from 'node:path';
import { shutdown } from '../../queues/runtime.ts';
import { pipelineHandlers } from '../../queues/pipeline.ts';
import { receiveFile } from '../../queues/stages/receive.ts';
import { casesWithActionInRun } from '../../runner/audit.ts';
import { listCases } from '../../runner/store/cases.ts';
import { finishRun } from '../../runner/store/runs.ts';
import { getApproval } from '../../runner/store/decisions.ts';
import { getPosting } from '../../runner/store/postings.ts';
import { readFileSync } from 'node:fs';
import { REPO_ROOT, startFixtureErpProcess } from '../fixture-erp-process.ts';
import { configFrom, type GlobalOptions, openRuntime } from '../open-runtime.ts';
import { printOutcomes, shadowRunCaseIds, summariseOutcomes } from './outcomes.ts';
import { resumeUnfinished, type ShadowOption, withShadow } from './run.ts';
import { printStateCounts } from './status.ts';
import { maskIbansIn } from '../iban-display.ts';

const DEMO_FILES = /\.(pdf|xml|png|jpe?g|tiff?)$/i;
const DEMO_DIR = path.join(REPO_ROOT, 'fixtures/demo');
/** VAT rates of the demo's countries (DE 19/7, FR 20/10/5.5, AT 20, GB 20; NL reverse charge 0). */
const DEMO_TAX_RATES_PERCENT = ['0', '5.5', '7', '10', '19', '20'];
const DEMO_PASSWORD_ENV = 'RPA_DEMO_ERP_PASSWORD';
const DEMO_MASTER_FILES = [
  'vendors.csv',
  'purchase-orders.csv',
  'goods-receipts.csv',
  'gl-accounts.csv',
  'cost-centres.csv',
];

/**
 * `rpa demo`: the whole pipeline on the bundled invoices with embedded defaults: PGlite under
 * ./data/demo, the in-process queue, and the fixture ERP started on a free port. Its state is
 * kept, so a second run finds every invoice already done and posts nothing again.
 */
export async function runDemo(
  options: GlobalOptions & ShadowOption & { files?: string },
): Promise<void> {
  const dataDir = path.resolve(options.dataDir ?? 'data/demo');
  const erp = await startFixtureErpProcess(path.join(dataDir, 'erp', 'erp-data.json'));
  process.env[DEMO_PASSWORD_ENV] = erp.password;
  const config = demoConfig({ ...options, dataDir }, erp.url);
  const rt = await openRuntime(withShadow({ ...config, databaseUrl: undefined }, options), 'demo');
  try {
    console.log(`Fixture ERP at ${erp.url}; data in ${dataDir}`);
    await rt.queue.start(pipelineHandlers(rt));
    // Cases approved since the last run (from `rpa approve`) are posted now.
    await resumeUnfinished(rt);
    const folder = path.resolve(options.files ?? path.join(REPO_ROOT, 'fixtures/demo'));
    const knownBefore: string[] = [];
    for (const name of readdirSync(folder)
      .filter((n) => DEMO_FILES.test(n))
      .sort()) {
      const file = path.join(folder, name);
      const received = await receiveFile(rt, {
        fileName: name,
        bytes: readFileSync(file),
        arrival: { channel: 'folder', ref: file, detail: { path: file } },
      });
      if (!received.isNew) knownBefore.push(`${name} (case ${received.caseId})`);
    }
    await rt.queue.waitUntilIdle();
    await printDemoOutcome(rt, knownBefore);
  } finally {
    await shutdown(rt);
    await erp.stop();
  }
}

/**
 * The config the demo runs with: the given one (file, environment) where it says something,
 * else the demo's own defaults: the bundled routing policy and master data, the VAT rates of
 * the demo's countries, and the fixture ERP just started.
 */
function demoConfig(options: GlobalOptions, erpUrl: string) {
  const given = configFrom(options);
  return configFrom(options, {
    queue: { mode: 'in-process' },
    // The vendor master, orders and receipts the checks compare the bundled invoices with.
    masterData: DEMO_MASTER_FILES.map((f) => path.join(DEMO_DIR, f)),
    policyFile: given.policyFile ?? path.join(DEMO_DIR, 'policy.yaml'),
    validate: {
      ...given.validate,
      allowedTaxRatesPercent: given.validate.allowedTaxRatesPercent ?? DEMO_TAX_RATES_PERCENT,
    },
    targets: {
      erp: {
        system: 'fixture-erp',
        baseUrl: erpUrl,
        user: 'bot',
        password: { env: DEMO_PASSWORD_ENV },
      },
    },
  });
}

async function printDemoOutcome(
  rt: Awaited<ReturnType<typeof openRuntime>>,
  knownBefore: string[],
): Promise<void> {
  const cases = await listCases(rt.db);
  // A case approved since an earlier run keeps that run's id but is posted in this one.
  const postedInRun = new Set(await casesWithActionInRun(rt.db, rt.runId, 'case.posted'));
  const shadowIds = new Set(await shadowRunCaseIds(rt.db));
  const postedNow = [];
  const shadowRun = [];
  for (const c of cases) {
    const posting = await getPosting(rt.db, c.id);
    if (c.state === 'posted' && postedInRun.has(c.id))
      postedNow.push(`${c.id} ${c.fileName} -> ${posting?.erpDocumentNumber}`);
    if (c.state === 'approved' && shadowIds.has(c.id)) shadowRun.push(`${c.id} ${c.fileName}`);
    if (c.state === 'held' || c.state === 'failed') {
      console.log(
        `  ${c.state}: ${c.id} ${c.fileName}  ${c.holdCode}: ${maskIbansIn(String(c.holdReason))}`,
      );
    }
    if (c.state === 'awaiting-approval') await printApproval(rt, c.id, c.fileName);
  }
  console.log(`Already received, not processed again: ${knownBefore.length}`);
  for (const line of knownBefore) console.log(`  ${line}`);
  console.log(`Posted in this run: ${postedNow.length}`);
  for (const line of postedNow) console.log(`  ${line}`);
  if (shadowRun.length > 0) {
    console.log(`Shadow run, filled in but not posted: ${shadowRun.length}`);
    for (const line of shadowRun) console.log(`  ${line}`);
  }
  const counts: Record<string, number> = {};
  for (const c of cases) counts[c.state] = (counts[c.state] ?? 0) + 1;
  printStateCounts(counts, shadowIds.size);
  printOutcomes(await summariseOutcomes(rt.db));
  await finishRun(rt.db, rt.runId, { states: counts, posted: postedNow.length });
  console.log(`Evidence (screenshots per step): ${path.join(rt.config.dataDir, 'evidence')}`);
  console.log(`Inspect a case with: rpa evidence CASE --data-dir ${rt.config.dataDir}`);
}

async function printApproval(
  rt: Awaited<ReturnType<typeof openRuntime>>,
  caseId: string,
  fileName: string,
): Promise<void> {
  const a = await getApproval(rt.db, caseId);
  if (!a) return;
  const due = a.deadlineAt ? `, due ${a.deadlineAt.slice(0, 16)}` : '';
  const level = `level ${a.level + 1} of ${a.chain.length}: ${a.chain.join(' -> ')}`;
  const waits = `waits for ${a.chain[a.level]} (${level})${due}`;
  console.log(`  awaiting approval: ${caseId} ${fileName}  APPROVAL_REQUIRED: ${waits}`);
}
