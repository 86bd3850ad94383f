import { countCasesByState, listCases } from '../../runner/store/cases.ts';
import { configFrom, type GlobalOptions, openStore } from '../open-runtime.ts';
import {
  printOutcomes,
  SHADOW_RUN_LABEL,
  shadowRunCaseIds,
  summariseOutcomes,
} from './outcomes.ts';
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
    const shadowIds = new Set(await shadowRunCaseIds(db));
    const shadowRun = (await listCases(db, 'approved'))
      .filter((c) => shadowIds.has(c.id))
      .map((c) => ({ caseId: c.id, file: c.fileName, invoiceNumber: c.invoiceNumber }));
    if (options.json) {
      console.log(JSON.stringify({ counts, outcomes, attention, shadowRun }, null, 2));
      return;
    }
    printStateCounts(counts, shadowRun.length);
    printOutcomes(outcomes);
    for (const a of attention) {
      console.log(
        `  ${a.caseId}  ${a.state.padEnd(6)} ${String(a.code).padEnd(22)} ${a.file}: ${maskIbansIn(String(a.reason))}`,
      );
    }
    for (const s of shadowRun) console.log(`  ${s.caseId}  ${SHADOW_RUN_LABEL}  ${s.file}`);
  } finally {
    await db.close();
  }
}

/**
 * `Cases: N (state n, ...)`; `shadowRun` approved cases are named apart, as a shadow run filled
 * them into the ERP without saving.
 */
export function printStateCounts(counts: Record<string, number>, shadowRun = 0): void {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const parts = Object.entries(counts).flatMap(([state, n]) => {
    if (state !== 'approved' || shadowRun === 0) return [`${state} ${n}`];
    const rest = n - shadowRun;
    return [...(rest > 0 ? [`approved ${rest}`] : []), `${SHADOW_RUN_LABEL} ${shadowRun}`];
  });
  console.log(`Cases: ${total}${parts.length ? ` (${parts.join(', ')})` : ''}`);
}
