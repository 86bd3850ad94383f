import { Decimal } from 'decimal.js';
import type { LineItem } from '../../runner/invoice.ts';
import {
  type CheckResult,
  describeInvoice,
  hold,
  pass,
  type ValidationInput,
} from './check-result.ts';
import type { GoodsReceipt, PurchaseOrder, PurchaseOrderLine } from './master-types.ts';
import { capitalise } from './required-fields.ts';

const RULE = 'three-way-match';
/** When several lines differ, the case is held for the most basic problem first. */
const LINE_CODES = [
  'PO_LINE_UNMATCHED',
  'GOODS_NOT_RECEIVED',
  'QUANTITY_MISMATCH',
  'PRICE_MISMATCH',
];

export interface LineVariance {
  /** 1-based position of the line on the invoice. */
  invoiceLine: number;
  description?: string;
  poLine?: string;
  orderedQty?: string;
  receivedQty?: string;
  invoicedBeforeQty?: string;
  invoicedQty?: string;
  /** Invoiced minus still open (received and not yet invoiced); positive is over. */
  quantityVariance?: string;
  poUnitPrice?: string;
  invoiceUnitPrice?: string;
  /** Percent of the PO price, two decimals; positive is dearer. */
  priceVariancePercent?: string;
  /** Invoiced quantity times the price difference, in the invoice currency. */
  amountVariance?: string;
  receipts?: string[];
  code: string;
}

interface Tolerances {
  quantity: Decimal;
  pricePercent: Decimal;
  amount: Decimal;
}

/**
 * V4: matches the invoice lines to the lines of the purchase order it quotes and to the goods
 * received. A line holds when nothing was received for it, when it invoices more than was
 * received and not yet invoiced (earlier invoices on the same order count), or when its price
 * is above the order price by more than the percent or the amount tolerance (either limit).
 * Cheaper or partial lines pass. Skipped without purchase orders or without an order reference.
 */
export function checkThreeWayMatch(input: ValidationInput): CheckResult | null {
  const reference = input.extraction.fields.order_reference?.value;
  if (!input.purchaseOrders || !reference || input.extraction.documentKind !== 'invoice')
    return null;
  const name = describeInvoice(input);
  const order = input.purchaseOrders.find((po) => po.number.trim() === reference.trim());
  if (!order)
    return hold(
      RULE,
      'PO_NOT_FOUND',
      `${capitalise(name)}: order ${reference} is not in the master data.`,
      {
        orderReference: reference,
        ordersCompared: input.purchaseOrders.length,
      },
    );
  const lines = input.extraction.fields.line_items?.value ?? [];
  const variances = matchLines(input, order, lines);
  const evidence = { poNumber: order.number, vendorId: order.vendorId, lines: variances };
  const code = LINE_CODES.find((c) => variances.some((v) => v.code === c));
  if (!code)
    return pass(
      RULE,
      `${capitalise(name)} matches order ${order.number} and its receipts on ${variances.length} line(s).`,
      evidence,
    );
  const bad = variances.filter((v) => v.code !== 'OK').map(describeVariance);
  return hold(
    RULE,
    code,
    `${capitalise(name)} against order ${order.number}: ${bad.join('; ')}.`,
    evidence,
  );
}

function matchLines(
  input: ValidationInput,
  order: PurchaseOrder,
  lines: LineItem[],
): LineVariance[] {
  const tolerances = tolerancesOf(input);
  const before = invoicedBefore(input, order);
  return lines.map((line, index) => {
    const poLine = findPoLine(order, line, index, lines.length);
    if (!poLine)
      return { invoiceLine: index + 1, description: line.description, code: 'PO_LINE_UNMATCHED' };
    const receipts = (input.goodsReceipts ?? []).filter(
      (r) => r.poNumber === order.number && r.lineNo === poLine.lineNo,
    );
    return compareLine(
      index,
      line,
      poLine,
      receipts,
      before.get(poLine.lineNo) ?? new Decimal(0),
      tolerances,
    );
  });
}

function compareLine(
  index: number,
  line: LineItem,
  poLine: PurchaseOrderLine,
  receipts: GoodsReceipt[],
  before: Decimal,
  tol: Tolerances,
): LineVariance {
  const received = receipts.reduce((sum, r) => sum.plus(r.quantity), new Decimal(0));
  const poPrice = new Decimal(poLine.unitPrice);
  const qty = quantityOf(line) ?? impliedQuantity(line, poPrice);
  const price = unitPriceOf(line, qty);
  const base: LineVariance = {
    invoiceLine: index + 1,
    description: line.description,
    poLine: poLine.lineNo,
    orderedQty: poLine.quantity,
    receivedQty: received.toString(),
    invoicedBeforeQty: before.toString(),
    poUnitPrice: poLine.unitPrice,
    receipts: receipts.map((r) => r.id),
    code: 'OK',
  };
  if (!qty || !price) return { ...base, code: 'QUANTITY_MISMATCH' };
  const overReceived = qty.minus(received.minus(before));
  const overOrdered = qty.plus(before).minus(poLine.quantity);
  const percent = poPrice.isZero() ? new Decimal(0) : price.minus(poPrice).div(poPrice).times(100);
  const amount = qty.times(price.minus(poPrice)).toDecimalPlaces(2);
  const variance: LineVariance = {
    ...base,
    invoicedQty: qty.toString(),
    quantityVariance: overReceived.toString(),
    invoiceUnitPrice: price.toString(),
    priceVariancePercent: percent.toFixed(2),
    amountVariance: amount.toFixed(2),
  };
  return { ...variance, code: lineCode(received, overReceived, overOrdered, percent, amount, tol) };
}

function lineCode(
  received: Decimal,
  overReceived: Decimal,
  overOrdered: Decimal,
  percent: Decimal,
  amount: Decimal,
  tol: Tolerances,
): string {
  if (received.isZero()) return 'GOODS_NOT_RECEIVED';
  if (overReceived.gt(tol.quantity) || overOrdered.gt(tol.quantity)) return 'QUANTITY_MISMATCH';
  if (percent.gt(tol.pricePercent) || amount.gt(tol.amount)) return 'PRICE_MISMATCH';
  return 'OK';
}

/** By description first (case and spacing ignored); by position when the line counts agree. */
function findPoLine(
  order: PurchaseOrder,
  line: LineItem,
  index: number,
  lineCount: number,
): PurchaseOrderLine | undefined {
  const norm = (text?: string) => (text ?? '').toLowerCase().replace(/\s+/g, ' ').trim();
  const wanted = norm(line.description);
  const byText = wanted ? order.lines.filter((l) => norm(l.description) === wanted) : [];
  // An item ordered on two lines: the line in the same position is the one meant.
  const samePlace = order.lines[index];
  if (samePlace && byText.includes(samePlace)) return samePlace;
  if (byText[0]) return byText[0];
  return lineCount === order.lines.length ? order.lines[index] : undefined;
}

/** Quantities of earlier invoices on this order, per PO line. */
function invoicedBefore(input: ValidationInput, order: PurchaseOrder): Map<string, Decimal> {
  const totals = new Map<string, Decimal>();
  for (const earlier of input.poInvoices ?? []) {
    if (earlier.caseId === input.caseId) continue;
    earlier.lines.forEach((line, index) => {
      const poLine = findPoLine(order, line, index, earlier.lines.length);
      const qty = quantityOf(line);
      if (!poLine || !qty) return;
      totals.set(poLine.lineNo, (totals.get(poLine.lineNo) ?? new Decimal(0)).plus(qty));
    });
  }
  return totals;
}

function quantityOf(line: LineItem): Decimal | null {
  return isNumeric(line.quantity) ? new Decimal(line.quantity!) : null;
}

/** OCR often loses the quantity column; the line total at the order price still tells it. */
function impliedQuantity(line: LineItem, poPrice: Decimal): Decimal | null {
  if (!isNumeric(line.line_total) || poPrice.isZero()) return null;
  const price = isNumeric(line.unit_price) ? new Decimal(line.unit_price!) : poPrice;
  return price.isZero() ? null : new Decimal(line.line_total!).div(price).toDecimalPlaces(3);
}

function unitPriceOf(line: LineItem, qty: Decimal | null): Decimal | null {
  if (isNumeric(line.unit_price)) return new Decimal(line.unit_price!);
  if (qty && !qty.isZero() && isNumeric(line.line_total))
    return new Decimal(line.line_total!).div(qty);
  return null;
}

function isNumeric(value: string | undefined): boolean {
  return value !== undefined && /^-?\d+(\.\d+)?$/.test(value);
}

function tolerancesOf(input: ValidationInput): Tolerances {
  const s = input.settings;
  return {
    quantity: new Decimal(s.matchQuantityTolerance ?? '0'),
    pricePercent: new Decimal(s.matchPricePercent ?? '1'),
    amount: new Decimal(s.matchAmountTolerance ?? '5.00'),
  };
}

function describeVariance(v: LineVariance): string {
  const at = `line ${v.invoiceLine}${v.poLine ? ` (PO line ${v.poLine})` : ''}`;
  if (v.code === 'PO_LINE_UNMATCHED') return `${at} "${v.description ?? ''}" is not on the order`;
  if (v.code === 'GOODS_NOT_RECEIVED') return `${at}: nothing received yet`;
  if (v.code === 'QUANTITY_MISMATCH')
    return `${at}: invoiced ${v.invoicedQty ?? '?'}, received ${v.receivedQty}, invoiced before ${v.invoicedBeforeQty}, ordered ${v.orderedQty}`;
  return `${at}: price ${v.invoiceUnitPrice} vs ${v.poUnitPrice} on the order (${v.priceVariancePercent} %, ${v.amountVariance})`;
}
