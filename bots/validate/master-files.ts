import { readFileSync } from 'node:fs';
import { decodeText } from '../../runner/decode-text.ts';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { BusinessError } from '../../runner/errors.ts';
import type { VendorRecord } from './check-result.ts';
import {
  emptyMasterData,
  MASTER_KINDS,
  type MasterData,
  type MasterKind,
  type PurchaseOrder,
} from './master-types.ts';

type Row = Record<string, string>;

/** CSV files are told apart by name, since a header alone cannot say what a row is. */
const CSV_KINDS: Array<[RegExp, MasterKind]> = [
  [/vendor/i, 'vendors'],
  [/purchase|order|(^|[-_])po/i, 'purchaseOrders'],
  [/receipt|(^|[-_])gr/i, 'goodsReceipts'],
  [/account|gl/i, 'glAccounts'],
  [/cost/i, 'costCentres'],
];

/**
 * Reads one master data file. YAML holds any kinds under the keys of {@link MasterData};
 * a CSV file holds one kind, chosen by its name (`vendors.csv`, `purchase-orders.csv` with one
 * row per PO line, `goods-receipts.csv`, `gl-accounts.csv`, `cost-centres.csv`).
 *
 * @throws BusinessError MASTER_DATA_INVALID naming the file and what is wrong.
 */
export function readMasterFile(file: string): MasterData {
  let text: string;
  try {
    text = decodeText(readFileSync(file));
  } catch (error) {
    throw invalid(file, (error as Error).message);
  }
  if (/\.ya?ml$/i.test(file)) return fromYaml(file, text);
  const base = path.basename(file);
  const kind = CSV_KINDS.find(([pattern]) => pattern.test(base))?.[1];
  if (!kind) throw invalid(file, 'the name says neither vendors, orders, receipts nor accounts');
  const rows = parseCsv(text);
  const data = emptyMasterData();
  if (kind === 'vendors') data.vendors = rows.map(toVendor);
  else if (kind === 'purchaseOrders') data.purchaseOrders = toOrders(rows);
  else if (kind === 'goodsReceipts') data.goodsReceipts = rows.map(toReceipt);
  else if (kind === 'glAccounts') data.glAccounts = rows.map((r) => ({ id: r.id!, name: r.name! }));
  else data.costCentres = rows.map((r) => ({ id: r.id!, name: r.name!, entity: r.entity }));
  return data;
}

function fromYaml(file: string, text: string): MasterData {
  const raw = (parseYaml(text) ?? {}) as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((k) => !MASTER_KINDS.includes(k as MasterKind));
  if (unknown.length > 0) throw invalid(file, `unknown keys ${unknown.join(', ')}`);
  const data = emptyMasterData();
  for (const kind of MASTER_KINDS) {
    const list = raw[kind] ?? [];
    if (!Array.isArray(list)) throw invalid(file, `${kind} must be a list`);
    (data[kind] as unknown[]) = list;
  }
  return data;
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): Row[] {
  const records = splitRecords(text).filter((r) => r.some((f) => f.trim() !== ''));
  const [header = [], ...body] = records;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h.trim(), (r[i] ?? '').trim()])));
}

function splitRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let isQuoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (isQuoted && ch === '"' && text[i + 1] === '"') {
      field += '"';
      i += 1;
    } else if (ch === '"') {
      isQuoted = !isQuoted;
    } else if (!isQuoted && (ch === ',' || ch === '\n')) {
      record.push(field.replace(/\r$/, ''));
      field = '';
      if (ch === '\n') {
        records.push(record);
        record = [];
      }
    } else {
      field += ch;
    }
  }
  if (field || record.length > 0) records.push([...record, field]);
  return records;
}

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(/[;|]/)
    .map((v) => v.trim())
    .filter(Boolean);

function toVendor(r: Row): VendorRecord {
  const vendor: VendorRecord = {
    id: r.id || r.vat_id || r.name!,
    name: r.name!,
    status: r.status === 'blocked' ? 'blocked' : 'active',
  };
  if (r.vat_id) vendor.vatId = r.vat_id;
  if (r.iban) vendor.ibans = list(r.iban);
  if (r.aliases) vendor.aliases = list(r.aliases);
  if (r.vendor_class) vendor.vendorClass = r.vendor_class;
  if (r.payment_terms_days) vendor.paymentTermsDays = Number(r.payment_terms_days);
  if (r.blocked_reason) vendor.blockedReason = r.blocked_reason;
  if (r.bank_change_dates) vendor.bankChangeDates = list(r.bank_change_dates);
  if (r.created_on) vendor.createdOn = r.created_on;
  if (r.gl_account) vendor.glAccount = r.gl_account;
  if (r.cost_centre) vendor.costCentre = r.cost_centre;
  return vendor;
}

function toOrders(rows: Row[]): PurchaseOrder[] {
  const orders = new Map<string, PurchaseOrder>();
  for (const r of rows) {
    const number = r.po_number!;
    const order = orders.get(number) ?? {
      number,
      vendorId: r.vendor_id!,
      ...(r.currency ? { currency: r.currency } : {}),
      ...(r.entity ? { entity: r.entity } : {}),
      ...(r.cost_centre ? { costCentre: r.cost_centre } : {}),
      ...(r.gl_account ? { glAccount: r.gl_account } : {}),
      lines: [],
    };
    order.lines.push({
      lineNo: r.line_no!,
      description: r.description,
      quantity: r.quantity!,
      unitPrice: r.unit_price!,
    });
    orders.set(number, order);
  }
  return [...orders.values()];
}

function toReceipt(r: Row) {
  return {
    id: r.id || r.gr_id!,
    poNumber: r.po_number!,
    lineNo: r.line_no!,
    quantity: r.quantity!,
    ...(r.date ? { date: r.date } : {}),
  };
}

function invalid(file: string, why: string): BusinessError {
  return new BusinessError('MASTER_DATA_INVALID', `Master data file ${file}: ${why}`);
}
