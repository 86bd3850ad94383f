import path from 'node:path';
import { readLocalFile } from '../../bots/intake/folder.ts';
import { pipelineHandlers } from '../../queues/pipeline.ts';
import { shutdown } from '../../queues/runtime.ts';
import { receiveFile } from '../../queues/stages/receive.ts';
import { getCase } from '../../runner/store/cases.ts';
import type { Runtime } from '../../queues/runtime.ts';
import { errorCodeOf, messageOf } from '../../runner/errors.ts';
import { configFrom, type GlobalOptions, openRuntime } from '../open-runtime.ts';
import { maskIbansIn } from '../iban-display.ts';

/**
 * `rpa ingest FILE...`: take one-off files and run them through the pipeline now. Exits 2 when
 * a file was refused or a case ended `failed` (a system fault such as an unreachable ERP); a
 * held case is an outcome for a person, not a failure of the command.
 */
export async function ingestFiles(files: string[], options: GlobalOptions): Promise<void> {
  const rt = await openRuntime(configFrom(options), 'ingest');
  try {
    await rt.queue.start(pipelineHandlers(rt));
    const received = [];
    const refused: string[] = [];
    for (const file of files) {
      // One bad file must not keep the others of the batch from being taken.
      try {
        received.push({ file, ...(await receiveLocal(rt, path.resolve(file))) });
      } catch (error) {
        refused.push(`${printable(file)} refused: ${messageOf(error)} [${errorCodeOf(error)}]`);
      }
    }
    await rt.queue.waitUntilIdle();
    for (const line of refused) console.error(line);
    if (refused.length > 0) process.exitCode = 2;
    for (const r of received) {
      const c = await getCase(rt.db, r.caseId);
      if (c?.state === 'failed') process.exitCode = 2;
      const note = r.isNew ? '' : ' (already known)';
      const hold = c?.holdCode ? ` ${c.holdCode}: ${maskIbansIn(String(c.holdReason))}` : '';
      console.log(`${printable(r.file)} -> ${r.caseId} ${c?.state}${hold}${note}`);
    }
  } finally {
    await shutdown(rt);
  }
}

async function receiveLocal(rt: Runtime, file: string) {
  const incoming = await readLocalFile(file, { maxFileBytes: rt.config.intake.maxFileBytes });
  return receiveFile(rt, {
    fileName: incoming.fileName,
    bytes: incoming.bytes,
    mediaType: incoming.mediaType,
    arrival: { channel: 'cli', ref: file, detail: { path: file } },
  });
}

/** A file name as the terminal may show it: control characters (escape, bell) as `?`. */
function printable(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  return name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
