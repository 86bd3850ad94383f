import { type EarlierInvoice, validateInvoice } from '../../bots/validate/index.ts';
import { appendAudit } from '../../runner/audit.ts';
import { type CaseRecord, listEarlierCandidates, setCaseState } from '../../runner/store/cases.ts';
import { replaceChecks } from '../../runner/store/checks.ts';
import type { StagePayload } from '../names.ts';
import type { Runtime } from '../runtime.ts';
import { requireCase } from './extract-stage.ts';

/** How far apart two invoices of one vendor with the same amount may be to count as one. */
const DUPLICATE_WINDOW_DAYS = 30;

/**
 * Runs every rule on an extracted case and stores each verdict with its evidence. All pass:
 * the case goes on to routing. Any hold: the case waits for a person, with the first reason.
 */
export async function runValidateStage(rt: Runtime, payload: StagePayload): Promise<void> {
  const c = await requireCase(rt, payload.caseId);
  if (c.state !== 'extracted') {
    if (c.state === 'validated') await rt.queue.enqueue('route', payload);
    return;
  }
  const earlier = (await listEarlierCandidates(rt.db, c)).map(toEarlier);
  const checks = validateInvoice({
    caseId: c.id,
    sha256: c.sha256,
    extraction: c.extraction!,
    earlier,
    settings: {
      totalsTolerance: rt.config.validate.totalsTolerance,
      minConfidence: rt.config.extract.minConfidence,
      duplicateWindowDays: DUPLICATE_WINDOW_DAYS,
    },
  });
  const firstHold = checks.find((check) => check.result === 'hold');
  await rt.db.transaction(async (tx) => {
    await replaceChecks(tx, c.id, checks);
    await setCaseState(
      tx,
      c.id,
      firstHold ? 'held' : 'validated',
      firstHold && { code: firstHold.code, reason: firstHold.reason },
    );
    await appendAudit(tx, {
      runId: payload.runId,
      caseId: c.id,
      actor: 'bot:validate',
      action: firstHold ? 'case.held' : 'case.validated',
      data: {
        holds: checks
          .filter((k) => k.result === 'hold')
          .map((k) => ({ code: k.code, reason: k.reason })),
        passed: checks.filter((k) => k.result === 'pass').map((k) => k.rule),
      },
    });
  });
  if (firstHold) {
    rt.logger.info('Case held', { runId: payload.runId, caseId: c.id, code: firstHold.code });
    return;
  }
  await rt.queue.enqueue('route', payload);
}

function toEarlier(c: CaseRecord): EarlierInvoice {
  const f = c.extraction?.fields;
  return {
    caseId: c.id,
    sha256: c.sha256,
    sellerName: f?.seller_name?.value,
    sellerVatId: f?.seller_vat_id?.value,
    invoiceNumber: f?.invoice_number?.value,
    grossTotal: f?.gross_total?.value,
    currency: f?.currency?.value,
    issueDate: f?.issue_date?.value,
    documentKind: c.documentKind ?? undefined,
  };
}
