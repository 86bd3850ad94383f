/**
 * `npm run corpus [-- --json] [-- --limit N]`: every PDF and XML invoice of ../shared/corpus
 * mailed into a real Dovecot, run through the whole pipeline into the fixture ERP, and each
 * compared with its expected file. Prints counts and extraction accuracy per field.
 */
import { runCorpusThroughPipeline } from './lib/corpus-pipeline.ts';

const args = process.argv.slice(2);
const isJson = args.includes('--json');
const limitAt = args.indexOf('--limit');
const limit = limitAt >= 0 ? Number(args[limitAt + 1]) : undefined;

const report = await runCorpusThroughPipeline({ limit });
if (isJson) {
  console.log(JSON.stringify(report, null, 2));
} else {
  console.log(
    `Corpus run: ${report.mailed} invoices mailed, ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  console.log(
    `  posted ${report.posted} (ERP number and gross as expected: ${report.postedCorrectly})`,
  );
  console.log(`  held   ${report.held}  ${JSON.stringify(report.heldByReason)}`);
  console.log(`  failed ${report.failed}, missing ${report.missing}`);
  console.log('Extraction accuracy per field (files that state it):');
  for (const [field, a] of Object.entries(report.accuracy)) {
    console.log(
      `  ${field.padEnd(16)} ${(a.accuracy * 100).toFixed(1).padStart(5)} %  (${a.hits}/${a.total})`,
    );
  }
  for (const o of report.outcomes.filter((x) => x.state === 'failed' || x.state === 'missing')) {
    console.log(`  ${o.state}: ${o.file} ${o.holdCode ?? ''} ${o.holdReason ?? ''}`);
  }
}
