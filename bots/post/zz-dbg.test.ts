import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { it } from 'vitest';
import { createLogger } from '/work/main/runner/logger.ts';
import { openPostingSession } from '/work/main/bots/post/index.ts';
import { corpusInvoice, EINFACH, PASSWORD, startErpWorld } from '/work/main/bots/post/test-support.ts';
it('dbg', async () => {
  const world = await startErpWorld('v1');
  const s = await openPostingSession({ system: 'fixture-erp', baseUrl: world.erp.url, user: 'bot', password: PASSWORD, release: 'auto', browser: { headless: true, stepTimeoutMs: 2000 }, logger: createLogger({level:'debug', console:true}) });
  world.erp.setFaults({ loseSaveResponses: 1 });
  const { invoice, originalPath } = corpusInvoice(EINFACH);
  const t0 = Date.now();
  const e = await s.post({ caseId: 'c', runId: 'r', invoice, originalPath, evidenceDir: mkdtempSync(path.join(world.dir, 'e')) }).catch((e) => e);
  console.log('ERR', Date.now() - t0, e.code, e.message);
  await s.close(); await world.cleanup();
}, 60000);
