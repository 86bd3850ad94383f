import { type CaseRecord, listCases } from '../../runner/store/cases.ts';
import type { Db } from '../../runner/store/db.ts';
import { countCasesSentToApproval } from '../../runner/store/decisions.ts';
import { countExceptionsByCode } from '../../runner/store/exceptions.ts';

export interface Outcomes {
  /** Cases past validation: decided by the runner or waiting for a person. */
  cases: number;
  /** Approved or posted with no person in their audit trail; shadow runs are not counted. */
  touchless: number;
  /**
   * Approved cases a shadow run filled into the ERP without saving (posting ledger `shadow`):
   * not posted, and not touchless postings either.
   */
  shadowRun: number;
  /** touchless / cases, in percent with one decimal; "0.0" without cases. */
  touchlessPercent: string;
  /**
   * Every exception ever opened, by reason code; under APPROVAL_REQUIRED also the cases the
   * routing sent to an approval chain, which wait for a person without an exception. With
   * `openOnly`, only the exceptions still open and the cases awaiting approval now.
   */
  exceptionsByReason: Record<string, number>;
  /** Whether `exceptionsByReason` counts only what still waits for a person. */
  openOnly: boolean;
}

const UNDECIDED = ['received', 'extracted', 'validated'];
const THROUGH = ['approved', 'posting', 'posted'];

/**
 * The share of invoices that went through untouched, and what held the others: ever (the
 * demo's summary of what happened), or with `openOnly` what still waits (`rpa status`).
 */
export async function summariseOutcomes(db: Db, openOnly = false): Promise<Outcomes> {
  const cases = (await listCases(db)).filter((c) => !UNDECIDED.includes(c.state));
  const rows = await db.query<{ case_id: string }>(
    "SELECT DISTINCT case_id FROM audit_events WHERE case_id IS NOT NULL AND actor NOT LIKE 'bot:%'",
  );
  const touched = new Set(rows.map((r) => r.case_id));
  const shadow = new Set(await shadowRunCaseIds(db));
  const touchless = cases.filter(
    (c) => THROUGH.includes(c.state) && !touched.has(c.id) && !shadow.has(c.id),
  ).length;
  const percent = cases.length === 0 ? 0 : (touchless * 1000) / cases.length;
  return {
    cases: cases.length,
    touchless,
    touchlessPercent: (Math.round(percent) / 10).toFixed(1),
    shadowRun: shadow.size,
    exceptionsByReason: await countReasons(db, openOnly, cases),
    openOnly,
  };
}

/** The cases a shadow run filled in without saving that are still waiting in `approved`. */
export async function shadowRunCaseIds(db: Db): Promise<string[]> {
  const rows = await db.query<{ case_id: string }>(
    `SELECT p.case_id FROM postings p JOIN cases c ON c.id = p.case_id
     WHERE p.state = 'shadow' AND c.state = 'approved' ORDER BY p.case_id`,
  );
  return rows.map((r) => r.case_id);
}

/** How shadow-run cases are named wherever people read them. */
export const SHADOW_RUN_LABEL = 'shadow run, not posted';

/** A posting ledger state as people read it: a shadow run is said not to be a posting. */
export function postingStateText(state: string): string {
  return state === 'shadow' ? `shadow (${SHADOW_RUN_LABEL})` : state;
}

async function countReasons(
  db: Db,
  openOnly: boolean,
  cases: CaseRecord[],
): Promise<Record<string, number>> {
  const byCode = await countExceptionsByCode(db, openOnly);
  const sentToApproval = openOnly
    ? cases.filter((c) => c.state === 'awaiting-approval').length
    : await countCasesSentToApproval(db);
  if (sentToApproval === 0) return byCode;
  const approvals = (byCode.APPROVAL_REQUIRED ?? 0) + sentToApproval;
  return { ...byCode, APPROVAL_REQUIRED: approvals };
}

export function printOutcomes(o: Outcomes): void {
  console.log(`Touchless: ${o.touchless} of ${o.cases} cases (${o.touchlessPercent} %)`);
  if (o.shadowRun > 0)
    console.log(
      `Shadow run, not posted: ${o.shadowRun} (filled in and photographed in the ERP, never saved; not counted as touchless)`,
    );
  const reasons = Object.entries(o.exceptionsByReason).sort(([, a], [, b]) => b - a);
  const heading = o.openOnly ? 'Open exceptions by reason' : 'Exceptions by reason';
  console.log(`${heading}: ${reasons.length === 0 ? 'none' : ''}`);
  for (const [code, n] of reasons) console.log(`  ${code.padEnd(24)} ${n}`);
}
