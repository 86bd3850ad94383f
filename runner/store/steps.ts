import type { Db } from './db.ts';

/** One step a bot took on a case, with where its screenshot is. */
export interface StepRow {
  caseId: string;
  runId: string;
  bot: string;
  step: string;
  status: 'ok' | 'failed' | 'skipped';
  screenshotPath?: string;
  htmlPath?: string;
  startedAt: string;
  durationMs: number;
  errorCode?: string;
  message?: string;
}

export async function saveSteps(db: Db, rows: StepRow[]): Promise<void> {
  for (const s of rows) {
    await db.query(
      `INSERT INTO steps (case_id, run_id, bot, step, status, screenshot_path, html_path,
         started_at, duration_ms, error_code, message)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        s.caseId,
        s.runId,
        s.bot,
        s.step,
        s.status,
        s.screenshotPath ?? null,
        s.htmlPath ?? null,
        s.startedAt,
        Math.round(s.durationMs),
        s.errorCode ?? null,
        s.message ?? null,
      ],
    );
  }
}

export async function listSteps(db: Db, caseId: string): Promise<StepRow[]> {
  const rows = await db.query('SELECT * FROM steps WHERE case_id = $1 ORDER BY id', [caseId]);
  return rows.map((r) => ({
    caseId: String(r.case_id),
    runId: String(r.run_id),
    bot: String(r.bot),
    step: String(r.step),
    status: r.status as StepRow['status'],
    screenshotPath: (r.screenshot_path as string | null) ?? undefined,
    htmlPath: (r.html_path as string | null) ?? undefined,
    startedAt: String(r.started_at),
    durationMs: Number(r.duration_ms),
    errorCode: (r.error_code as string | null) ?? undefined,
    message: (r.message as string | null) ?? undefined,
  }));
}
