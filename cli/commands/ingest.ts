import path from 'node:path';
import { readLocalFile } from '../../bots/intake/folder.ts';
import { pipelineHandlers } from '../../queues/pipeline.ts';
import { shutdown } from '../../queues/runtime.ts';
import { receiveFile } from '../../queues/stages/receive.ts';
import { getCase } from '../../runner/store/cases.ts';
import { configFrom, type GlobalOptions, openRuntime } from '../open-runtime.ts';

/** `rpa ingest FILE...`: take one-off files and run them through the pipeline now. */
export async function ingestFiles(files: string[], options: GlobalOptions): Promise<void> {
  const rt = await openRuntime(configFrom(options), 'ingest');
  try {
    await rt.queue.start(pipelineHandlers(rt));
    const received = [];
    for (const file of files) {
      const incoming = await readLocalFile(path.resolve(file));
      const result = await receiveFile(rt, {
        fileName: incoming.fileName,
        bytes: incoming.bytes,
        mediaType: incoming.mediaType,
        arrival: { channel: 'cli', ref: path.resolve(file), detail: { path: path.resolve(file) } },
      });
      received.push({ file, ...result });
    }
    await rt.queue.waitUntilIdle();
    for (const r of received) {
      const c = await getCase(rt.db, r.caseId);
      const note = r.isNew ? '' : ' (already known)';
      const hold = c?.holdCode ? ` ${c.holdCode}: ${c.holdReason}` : '';
      console.log(`${r.file} -> ${r.caseId} ${c?.state}${hold}${note}`);
    }
  } finally {
    await shutdown(rt);
  }
}
