import path from 'node:path';
import { syncErpMaster } from '../../bots/validate/erp-master-sync.ts';
import { readMasterFile } from '../../bots/validate/index.ts';
import { readSecret } from '../../config/load.ts';
import { appendAudit } from '../../runner/audit.ts';
import { SystemError } from '../../runner/errors.ts';
import { countMasterData, saveMasterData } from '../../runner/store/master-data.ts';
import { configFrom, type GlobalOptions, loggerFor, openStore } from '../open-runtime.ts';

/** `rpa master load FILE...`: vendors, orders, receipts, accounts, cost centres into the store. */
export async function loadMasterFiles(files: string[], options: GlobalOptions): Promise<void> {
  const db = await openStore(configFrom(options), { create: true });
  try {
    for (const file of files) {
      const counts = await saveMasterData(db, readMasterFile(file), path.resolve(file));
      const parts = Object.entries(counts).filter(([, n]) => n > 0);
      console.log(`${file}: ${parts.map(([kind, n]) => `${kind} ${n}`).join(', ') || 'nothing'}`);
    }
    await printTotals(db);
  } finally {
    await db.close();
  }
}

/**
 * `rpa master sync [--target NAME]`: the sync bot reads the vendor and purchase order screens
 * of a configured ERP target and upserts what it read; an audit event records the counts.
 */
export async function syncMasterFromErp(
  options: GlobalOptions & { target?: string },
): Promise<void> {
  const config = configFrom(options);
  const name = options.target ?? config.postTo ?? Object.keys(config.targets)[0];
  const target = name ? config.targets[name] : undefined;
  if (!name || !target)
    throw new SystemError('CONFIG_INVALID', `no target ${name ?? ''} under targets in the config`);
  const data = await syncErpMaster({
    system: target.system,
    baseUrl: target.baseUrl,
    user: target.user,
    password: readSecret(target.password),
    release: target.release,
    browser: config.browser,
    logger: loggerFor({ ...config, log: { ...config.log, console: false } }),
  });
  const db = await openStore(config, { create: true });
  try {
    const source = `erp:${name}:${target.baseUrl}`;
    const counts = await saveMasterData(db, data, source);
    await appendAudit(db, {
      actor: 'bot:master-sync',
      action: 'master.synced',
      data: { source, counts },
    });
    const parts = Object.entries(counts).filter(([, n]) => n > 0);
    console.log(`${source}: ${parts.map(([kind, n]) => `${kind} ${n}`).join(', ') || 'nothing'}`);
    await printTotals(db);
  } finally {
    await db.close();
  }
}

async function printTotals(db: Awaited<ReturnType<typeof openStore>>): Promise<void> {
  const totals = await countMasterData(db);
  console.log(
    `Master data: ${Object.entries(totals)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
  );
}
