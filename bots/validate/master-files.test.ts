import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv, readMasterFile } from './master-files.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rpa-master-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readMasterFile', () => {
  it('reads the demo vendor master', () => {
    const data = readMasterFile(
      path.resolve(import.meta.dirname, '../../fixtures/demo/vendors.csv'),
    );
    expect(data.vendors.length).toBeGreaterThan(5);
    expect(data.vendors.find((v) => v.status === 'blocked')).toBeTruthy();
    // The dated columns V7 judges: bank account changes and the day a vendor was entered.
    expect(data.vendors.find((v) => v.id === 'nordhafen')?.bankChangeDates).toHaveLength(2);
    expect(data.vendors.find((v) => v.id === 'kranich')?.createdOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(data.vendors.find((v) => v.id === 'brandt')).not.toHaveProperty('createdOn');
  });

  it('reads a vendor list saved in windows-1252 with its umlauts intact', () => {
    const file = path.join(dir, 'vendors.csv');
    const csv =
      'id,name,vat_id,iban,status,payment_terms_days,vendor_class\n' +
      'mueller,Müller Bürobedarf GmbH,DE814229379,,active,30,office-supplies\n';
    writeFileSync(file, Buffer.from(csv, 'latin1'));
    expect(readMasterFile(file).vendors[0]?.name).toBe('Müller Bürobedarf GmbH');
  });

  it('groups purchase order rows by number and reads receipts and YAML', () => {
    const po = path.join(dir, 'purchase-orders.csv');
    writeFileSync(
      po,
      'po_number,vendor_id,line_no,description,quantity,unit_price\n45,v1,10,"Bolts, M8",5,1.20\n45,v1,20,Nuts,5,0.10\n',
    );
    expect(readMasterFile(po).purchaseOrders).toEqual([
      {
        number: '45',
        vendorId: 'v1',
        lines: [
          { lineNo: '10', description: 'Bolts, M8', quantity: '5', unitPrice: '1.20' },
          { lineNo: '20', description: 'Nuts', quantity: '5', unitPrice: '0.10' },
        ],
      },
    ]);
    const yaml = path.join(dir, 'master.yaml');
    writeFileSync(yaml, 'costCentres:\n  - { id: CC-IT, name: IT }\n');
    expect(readMasterFile(yaml).costCentres).toEqual([{ id: 'CC-IT', name: 'IT' }]);
    writeFileSync(yaml, 'suppliers: []\n');
    expect(() => readMasterFile(yaml)).toThrow(/unknown keys suppliers/);
  });

  it('reads the YAML example with every kind', () => {
    const data = readMasterFile(
      path.resolve(import.meta.dirname, '../../config/examples/master.yaml'),
    );
    expect(data.vendors[0]?.vendorClass).toBe('office-supplies');
    expect(data.purchaseOrders[0]?.lines).toHaveLength(2);
    expect(data.goodsReceipts).toHaveLength(2);
    expect(data.glAccounts.map((a) => a.id)).toContain('6815');
    expect(data.costCentres.find((c) => c.id === 'CC-IT')?.entity).toBe('DE01');
  });

  it('parses quoted CSV fields with quotes and line breaks', () => {
    expect(parseCsv('a,b\r\n"x ""y""","1\n2"\n')).toEqual([{ a: 'x "y"', b: '1\n2' }]);
  });
});
