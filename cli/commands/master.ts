import path from 'node:path';
import { readMasterFile } from '../../bots/validate/index.ts';
import { countMasterData, saveMasterData } from '../../runner/store/master-data.ts';
import { configFrom, type GlobalOptions, openStore } from '../open-runtime.ts';

/** `rpa master load FILE...`: vendors, orders, receipts, accounts, cost centres into the store. */
export async function loadMasterFiles(files: string[], options: GlobalOptions): Promise<void> {
  const db = await openStore(configFrom(options));
  try {
    for (const file of files) {
      const counts = await saveMasterData(db, readMasterFile(file), path.resolve(file));
      const parts = Object.entries(counts).filter(([, n]) => n > 0);
      console.log(`${file}: ${parts.map(([kind, n]) => `${kind} ${n}`).join(', ') || 'nothing'}`);
    }
    const totals = await countMasterData(db);
    console.log(
      `Master data: ${Object.entries(totals)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
  } finally {
    await db.close();
  }
}
