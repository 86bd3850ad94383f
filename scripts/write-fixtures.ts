import { resolve } from 'node:path';
import { writeDemoSet } from '../fixtures/invoices/demo-set.ts';

/**
 * Writes the demo's bundled documents into fixtures/demo (or the folder given as the first
 * argument). The seed is fixed so the committed files only change when the generators change.
 */
const DEMO_SEED = 20_250_601;

const target = resolve(process.argv[2] ?? 'fixtures/demo');
const entries = await writeDemoSet(target, DEMO_SEED);
for (const entry of entries) {
  const outcome = entry.reason ? `${entry.outcome}: ${entry.reason}` : entry.outcome;
  process.stdout.write(`${entry.file}  ${entry.kind}  ${outcome}\n`);
}
process.stdout.write(`wrote ${entries.length} documents to ${target}\n`);
