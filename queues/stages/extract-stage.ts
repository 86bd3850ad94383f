import { closeExtractors, extractDocument } from '../../bots/extract/index.ts';
import { duplicateKey, sellerKey } from '../../bots/validate/index.ts';
import { appendAudit } from '../../runner/audit.ts';
import { BusinessError } from '../../runner/errors.ts';
import {
  type CaseRecord,
  getCase,
  saveExtraction,
  setCaseState,
} from '../../runner/store/cases.ts';
import type { StagePayload } from '../names.ts';
import type { Runtime } from '../runtime.ts';

/**
 * Reads the fields of a received case. Runs again harmlessly: a case that already has an
 * extraction is handed on without being read a second time.
 */
export async function runExtractStage(rt: Runtime, payload: StagePayload): Promise<void> {
  const c = await requireCase(rt, payload.caseId);
  if (c.state !== 'received') {
    if (c.state === 'extracted') await rt.queue.enqueue('validate', payload);
    return;
  }
  const bytes = rt.originals.read(c.sha256);
  if (bytes.byteLength > rt.config.intake.maxFileBytes) {
    throw new BusinessError(
      'FILE_TOO_LARGE',
      `${c.fileName} has ${bytes.byteLength} bytes; the limit is ${rt.config.intake.maxFileBytes}`,
    );
  }
  if (!rt.closers.includes(closeExtractors)) rt.closers.push(closeExtractors);
  const extraction = await extractDocument(
    { bytes: new Uint8Array(bytes), fileName: c.fileName },
    {
      ocrWorkers: rt.config.extract.ocrWorkers,
      ocrPageTimeoutMs: rt.config.extract.ocrPageTimeoutMs,
      ocrRenderScale: rt.config.extract.ocrRenderScale,
      logger: rt.logger.child({ runId: payload.runId, caseId: c.id, bot: 'extract' }),
    },
  );
  const fields = extraction.fields;
  const identity = {
    seller_name: fields.seller_name?.value,
    seller_vat_id: fields.seller_vat_id?.value,
    invoice_number: fields.invoice_number?.value,
  };
  const keys = { duplicateKey: duplicateKey(identity), sellerKey: sellerKey(identity) };
  await rt.db.transaction(async (tx) => {
    await saveExtraction(tx, c.id, extraction, keys);
    await setCaseState(tx, c.id, 'extracted');
    await appendAudit(tx, {
      runId: payload.runId,
      caseId: c.id,
      actor: 'bot:extract',
      action: 'case.extracted',
      data: {
        method: extraction.method,
        documentKind: extraction.documentKind,
        invoiceNumber: fields.invoice_number?.value,
        grossTotal: fields.gross_total?.value,
        warnings: extraction.warnings,
      },
    });
  });
  await rt.queue.enqueue('validate', payload);
}

export async function requireCase(rt: Runtime, caseId: string): Promise<CaseRecord> {
  const c = await getCase(rt.db, caseId);
  if (!c) throw new BusinessError('CASE_NOT_FOUND', `Case ${caseId} does not exist`);
  return c;
}
