import { appendAudit } from '../../runner/audit.ts';
import { type Arrival, recordArrival } from '../../runner/store/documents.ts';
import type { Runtime } from '../runtime.ts';

export interface ReceivedFile {
  fileName: string;
  bytes: Uint8Array;
  mediaType?: string;
  arrival: Arrival;
  /** A zip or an invoice list: kept as evidence, opens no case; its entries come separately. */
  isContainer?: boolean;
}

export interface ReceiveResult {
  /** Empty for a container, which opens no case. */
  caseId: string;
  sha256: string;
  isNew: boolean;
}

/**
 * The hand-off from every intake channel: the original is stored unchanged under its SHA-256,
 * the arrival recorded, and, for bytes never seen before, a case opened and queued for
 * extraction. Idempotent: the same bytes again (by any channel) open no second case.
 */
export async function receiveFile(rt: Runtime, file: ReceivedFile): Promise<ReceiveResult> {
  const { sha256, storedPath } = rt.originals.put(file.bytes);
  const doc = {
    sha256,
    fileName: file.fileName,
    mediaType: file.mediaType ?? guessMediaType(file.fileName),
    sizeBytes: file.bytes.byteLength,
    storedPath,
  };
  const result = await rt.db.transaction(async (tx) => {
    const recorded = await recordArrival(tx, doc, file.arrival, rt.runId, !file.isContainer);
    const kind = file.isContainer ? 'container' : 'document';
    await appendAudit(tx, {
      runId: rt.runId,
      caseId: recorded.caseId ?? undefined,
      actor: `bot:intake-${file.arrival.channel}`,
      action: recorded.isNew ? `${kind}.received` : `${kind}.received-again`,
      data: {
        sha256,
        fileName: file.fileName,
        channel: file.arrival.channel,
        ref: file.arrival.ref,
      },
    });
    return recorded;
  });
  rt.logger.info(result.isNew ? 'Document received' : 'Document already known', {
    runId: rt.runId,
    caseId: result.caseId ?? undefined,
    sha256,
    file: file.fileName,
  });
  if (result.isNew && result.caseId) {
    await rt.queue.enqueue('extract', { caseId: result.caseId, runId: rt.runId });
  }
  return { caseId: result.caseId ?? '', isNew: result.isNew, sha256 };
}

const MEDIA_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  xml: 'application/xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  tif: 'image/tiff',
  tiff: 'image/tiff',
};

export function guessMediaType(fileName: string): string {
  const ext = fileName.toLowerCase().split('.').pop() ?? '';
  return MEDIA_TYPES[ext] ?? 'application/octet-stream';
}
