import { countCasesByState, listCases } from '../../runner/store/cases.ts';
import { configFrom, type GlobalOptions, openStore } from '../open-runtime.ts';
import { printOutcomes, summariseOutcomes } from './outcomes.ts';
import { maskIbansIn } from '../iban-display.ts';

/** `rpa status`: cases by state, and what is held and why. */
export async function showStatus(options: GlobalOptions & { json?: boolean }): Promise<void> {
  const config = configFrom(options);
  const db = await openStore(config);
  try {
    const counts = await countCasesByState(db);
    const held = (await listCases(db, 'held')).concat(await listCases(db, 'failed'));
    const attention = held.map((c) => ({
      caseId: c.id,
      state: c.state,
      file: c.fileName,
      invoiceNumber: c.invoiceNumber,
      code: c.holdCode,
      reason: c.holdReason,
    }));
    const outcomes = await summariseOutcomes(db, true);
    if (options.json) {
      console.log(JSON.stringify({ counts, outcomes, attention }, null, 2));
      return;
    }
    printStateCounts(counts);
    printOutcomes(outcomes);
    for (const a of attention) {
      console.log(
        `  ${a.caseId}  ${a.state.padEnd(6)} ${String(a.code).padEnd(22)} ${a.file}: ${maskIbansIn(String(a.reason))}`,
      );
    }
  } finally {
    await db.close();
  }
}

export function printStateCounts(counts: Record<string, number>): void {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const parts = Object.entries(counts).map(([state, n]) => `${state} ${n}`);
  console.log(`Cases: ${total}${parts.length ? ` (${parts.join(', ')})` : ''}`);
}
