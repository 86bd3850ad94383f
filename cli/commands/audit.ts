import { verifyAuditChain } from '../../runner/audit.ts';
import { configFrom, type GlobalOptions, openStore } from '../open-runtime.ts';

/** `rpa audit verify`: walks the hash chain; exits 1 naming the first broken event. */
export async function verifyAudit(options: GlobalOptions & { json?: boolean }): Promise<void> {
  const db = await openStore(configFrom(options));
  try {
    const verdict = await verifyAuditChain(db);
    if (options.json) console.log(JSON.stringify(verdict));
    else if (verdict.isIntact) console.log(`Audit trail intact: ${verdict.eventCount} events.`);
    else console.log(`Audit trail BROKEN at event #${verdict.firstBrokenSeq}: ${verdict.problem}.`);
    if (!verdict.isIntact) process.exitCode = 1;
  } finally {
    await db.close();
  }
}
