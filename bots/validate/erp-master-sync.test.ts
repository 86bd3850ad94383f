import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErpMasterData } from '../../fixtures/erp/master-data.ts';
import { type FixtureErp, startFixtureErp } from '../../fixtures/erp/server.ts';
import { createLogger } from '../../runner/logger.ts';
import { openDb } from '../../runner/store/db.ts';
import { loadMasterData, saveMasterData } from '../../runner/store/master-data.ts';
import { syncErpMaster } from './erp-master-sync.ts';
import { checkVendorMaster } from './vendor-master.ts';
import { makeInput } from './test-input.ts';

/** The ERP's vendor master and purchasing data, as its own screens show them. */
const MASTER: ErpMasterData = {
  vendors: [
    {
      number: 'V10001',
      name: 'Brandt Bürotechnik GmbH',
      vatId: 'DE814229379',
      ibans: ['DE82200400600528194700', 'DE02120300000000202051'],
      vendorClass: 'office-supplies',
      paymentTermsDays: 30,
      bankChanges: ['2025-03-01', '2025-05-15'],
    },
    {
      number: 'V10002',
      name: 'Schattenhandel KG',
      vatId: 'DE136695976',
      blocked: true,
      blockNote: 'insolvency, do not pay',
    },
  ],
  purchaseOrders: [
    {
      number: '4500000017',
      vendorNumber: 'V10001',
      currency: 'EUR',
      company: 'DE01',
      costCentre: 'CC-ADMIN',
      glAccount: '6815',
      lines: [
        { line: '10', description: 'Toner cartridge', quantity: '12', unitPrice: '1234.50' },
        { line: '20', description: 'Paper A4', quantity: '40.5', unitPrice: '3.99' },
      ],
      receipts: [
        { id: 'GR-1', line: '10', quantity: '5', date: '2025-06-02' },
        { id: 'GR-2', line: '10', quantity: '7', date: '2025-06-20' },
      ],
    },
    { number: '4500000018', vendorNumber: 'V10002', lines: [] },
  ],
};

const PASSWORD = 'Sync-Pw!2026';
const logger = createLogger({ level: 'error', console: false });

describe.each(['v1', 'v2'] as const)('master data sync from the fixture ERP %s', (release) => {
  let dir: string;
  let erp: FixtureErp;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rpa-sync-'));
    erp = await startFixtureErp({
      dataFile: path.join(dir, 'erp.json'),
      users: { bot: PASSWORD },
      release,
      master: MASTER,
    });
  });

  afterAll(async () => {
    await erp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads vendors, orders with lines and goods receipts, and stores them', async () => {
    const data = await syncErpMaster({
      system: 'fixture-erp',
      baseUrl: erp.url,
      user: 'bot',
      password: PASSWORD,
      browser: { headless: true, stepTimeoutMs: 10_000 },
      logger,
    });
    expect(data.vendors).toEqual([
      {
        id: 'V10001',
        name: 'Brandt Bürotechnik GmbH',
        status: 'active',
        vatId: 'DE814229379',
        ibans: ['DE82200400600528194700', 'DE02120300000000202051'],
        vendorClass: 'office-supplies',
        paymentTermsDays: 30,
        bankChangeDates: ['2025-03-01', '2025-05-15'],
      },
      {
        id: 'V10002',
        name: 'Schattenhandel KG',
        status: 'blocked',
        vatId: 'DE136695976',
        blockedReason: 'insolvency, do not pay',
      },
    ]);
    expect(data.purchaseOrders[0]).toEqual({
      number: '4500000017',
      vendorId: 'V10001',
      currency: 'EUR',
      entity: 'DE01',
      costCentre: 'CC-ADMIN',
      glAccount: '6815',
      lines: [
        { lineNo: '10', description: 'Toner cartridge', quantity: '12', unitPrice: '1234.5' },
        { lineNo: '20', description: 'Paper A4', quantity: '40.5', unitPrice: '3.99' },
      ],
    });
    expect(data.purchaseOrders[1]).toMatchObject({ number: '4500000018', lines: [] });
    expect(data.goodsReceipts).toEqual([
      { id: 'GR-1', poNumber: '4500000017', lineNo: '10', quantity: '5', date: '2025-06-02' },
      { id: 'GR-2', poNumber: '4500000017', lineNo: '10', quantity: '7', date: '2025-06-20' },
    ]);

    const db = await openDb({ dataDir: path.join(dir, 'db') });
    try {
      await saveMasterData(db, data, `erp:${erp.url}`);
      const stored = await loadMasterData(db);
      expect(stored.vendors.map((v) => v.id)).toEqual(['V10001', 'V10002']);
      expect(stored.goodsReceipts).toHaveLength(2);
      // The synchronised master is what the vendor rule judges by.
      const held = checkVendorMaster(
        makeInput(
          { seller_name: 'Schattenhandel KG', seller_vat_id: 'DE 136 695 976' },
          {},
          { vendors: stored.vendors },
        ),
      );
      expect(held).toMatchObject({ code: 'VENDOR_BLOCKED', evidence: { vendorId: 'V10002' } });
    } finally {
      await db.close();
    }
  }, 90_000);
});
