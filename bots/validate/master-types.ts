import type { LineItem } from '../../runner/invoice.ts';
import type { VendorRecord } from './check-result.ts';

/** One line of a purchase order. Quantities and prices are decimal strings. */
export interface PurchaseOrderLine {
  /** Line number as the ERP prints it ("10", "20"). */
  lineNo: string;
  description?: string;
  quantity: string;
  /** Net price per unit in the order currency. */
  unitPrice: string;
}

export interface PurchaseOrder {
  /** The number invoices quote as their order reference. */
  number: string;
  vendorId: string;
  currency?: string;
  entity?: string;
  costCentre?: string;
  glAccount?: string;
  lines: PurchaseOrderLine[];
}

/** One delivery booked against one PO line; several receipts make a partial delivery. */
export interface GoodsReceipt {
  id: string;
  poNumber: string;
  lineNo: string;
  quantity: string;
  /** YYYY-MM-DD. */
  date?: string;
}

export interface GlAccount {
  id: string;
  name: string;
}

export interface CostCentre {
  id: string;
  name: string;
  entity?: string;
}

/** An earlier invoice quoting the same PO, whose quantities are already invoiced. */
export interface PoInvoice {
  caseId: string;
  lines: LineItem[];
}

/** Everything the master files hold, by kind. */
export interface MasterData {
  vendors: VendorRecord[];
  purchaseOrders: PurchaseOrder[];
  goodsReceipts: GoodsReceipt[];
  glAccounts: GlAccount[];
  costCentres: CostCentre[];
}

export type MasterKind = keyof MasterData;

export const MASTER_KINDS: readonly MasterKind[] = [
  'vendors',
  'purchaseOrders',
  'goodsReceipts',
  'glAccounts',
  'costCentres',
];

export function emptyMasterData(): MasterData {
  return { vendors: [], purchaseOrders: [], goodsReceipts: [], glAccounts: [], costCentres: [] };
}

/** The key a record is stored under, unique within its kind. */
export function masterIdOf(kind: MasterKind, record: Record<string, unknown>): string {
  if (kind === 'purchaseOrders') return String(record.number);
  return String(record.id);
}
