import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GoodsReceipt, PurchaseOrder } from './master-types.ts';
import { makeInput } from './test-input.ts';
import { checkThreeWayMatch, type LineVariance } from './three-way-match.ts';

const DEMO = path.resolve(import.meta.dirname, '../../fixtures/demo');

/** A generated UBL invoice of the demo set: one line, 6 hours at 78.72, order 4500320664. */
function demoInvoice(): Record<string, unknown> {
  const raw = JSON.parse(
    readFileSync(path.join(DEMO, '05_2025001053_ubl.xml.expected.json'), 'utf8'),
  );
  return Object.fromEntries(Object.entries(raw).filter(([k]) => !k.startsWith('_')));
}

const ORDER: PurchaseOrder = {
  number: '4500320664',
  vendorId: 'DE273619041',
  currency: 'EUR',
  costCentre: 'CC-OPS',
  lines: [
    { lineNo: '10', description: 'Service technician on site', quantity: '10', unitPrice: '78.72' },
    {
      lineNo: '20',
      description: 'Hex bolts M8x40 DIN 933, pack of 100',
      quantity: '40',
      unitPrice: '12.40',
    },
  ],
};
const RECEIVED: GoodsReceipt[] = [
  { id: 'GR-1', poNumber: '4500320664', lineNo: '10', quantity: '4', date: '2025-11-20' },
  { id: 'GR-2', poNumber: '4500320664', lineNo: '10', quantity: '2', date: '2025-11-27' },
];

function check(values = demoInvoice(), receipts = RECEIVED, extra = {}) {
  return checkThreeWayMatch(
    makeInput(values, {}, { purchaseOrders: [ORDER], goodsReceipts: receipts, ...extra }),
  );
}

describe('checkThreeWayMatch (V4)', () => {
  it('passes a line fully received in two partial deliveries, with the variances in evidence', () => {
    const result = check();
    expect(result?.result).toBe('pass');
    const [line] = result!.evidence.lines as LineVariance[];
    expect(line).toMatchObject({
      poLine: '10',
      receivedQty: '6',
      invoicedQty: '6',
      quantityVariance: '0',
      priceVariancePercent: '0.00',
      receipts: ['GR-1', 'GR-2'],
    });
  });

  it('holds GOODS_NOT_RECEIVED and QUANTITY_MISMATCH on short deliveries', () => {
    expect(check(demoInvoice(), [])?.code).toBe('GOODS_NOT_RECEIVED');
    const partial = check(demoInvoice(), [RECEIVED[0]!]);
    expect(partial?.code).toBe('QUANTITY_MISMATCH');
    expect((partial!.evidence.lines as LineVariance[])[0]!.quantityVariance).toBe('2');
  });

  it('counts quantities of earlier invoices on the same order', () => {
    const earlier = [
      { caseId: 'C-1', lines: [{ description: 'Service technician on site', quantity: '4' }] },
    ];
    const result = check(demoInvoice(), RECEIVED, { poInvoices: earlier });
    expect(result?.code).toBe('QUANTITY_MISMATCH');
    expect((result!.evidence.lines as LineVariance[])[0]).toMatchObject({ invoicedBeforeQty: '4' });
  });

  it('holds PRICE_MISMATCH above the percent tolerance and PO_NOT_FOUND / PO_LINE_UNMATCHED', () => {
    const dear = demoInvoice();
    dear.line_items = [
      {
        description: 'Service technician on site',
        quantity: '6',
        unit_price: '82.00',
        line_total: '492.00',
      },
    ];
    expect(check(dear)?.code).toBe('PRICE_MISMATCH');
    expect(check({ ...demoInvoice(), order_reference: '4500999999' })?.code).toBe('PO_NOT_FOUND');
    const other = {
      ...demoInvoice(),
      line_items: [{ description: 'Gold bars', quantity: '1', unit_price: '1' }],
    };
    expect(check(other)?.code).toBe('PO_LINE_UNMATCHED');
  });

  it('is skipped without orders or without an order reference', () => {
    expect(checkThreeWayMatch(makeInput(demoInvoice()))).toBeNull();
    expect(check({ ...demoInvoice(), order_reference: undefined })).toBeNull();
  });

  it('property: a price within both tolerances passes, one above either holds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 1_000_000 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: -300, max: 300 }),
        (poCents, qty, deltaBasisPoints) => {
          const poPrice = new Decimal(poCents).div(100);
          const price = poPrice
            .times(10_000 + deltaBasisPoints)
            .div(10_000)
            .toDecimalPlaces(2);
          const order: PurchaseOrder = {
            number: 'PO-1',
            vendorId: 'v',
            lines: [
              {
                lineNo: '1',
                description: 'x',
                quantity: String(qty),
                unitPrice: poPrice.toFixed(2),
              },
            ],
          };
          const result = checkThreeWayMatch(
            makeInput(
              {
                order_reference: 'PO-1',
                line_items: [
                  { description: 'x', quantity: String(qty), unit_price: price.toFixed(2) },
                ],
              },
              {},
              {
                purchaseOrders: [order],
                goodsReceipts: [{ id: 'g', poNumber: 'PO-1', lineNo: '1', quantity: String(qty) }],
              },
            ),
          )!;
          const percent = price.minus(poPrice).div(poPrice).times(100);
          const amount = price.minus(poPrice).times(qty);
          const isOver = percent.gt(1) || amount.gt(5);
          expect(result.code).toBe(isOver ? 'PRICE_MISMATCH' : 'OK');
        },
      ),
    );
  });

  it('property: invoiced quantities over several invoices never exceed what was received', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
        (received, invoices) => {
          const order: PurchaseOrder = {
            number: 'PO-2',
            vendorId: 'v',
            lines: [{ lineNo: '1', description: 'x', quantity: '1000', unitPrice: '1' }],
          };
          const earlier: Array<{
            caseId: string;
            lines: Array<{ description: string; quantity: string }>;
          }> = [];
          let total = 0;
          for (const [i, qty] of invoices.entries()) {
            const result = checkThreeWayMatch(
              makeInput(
                {
                  order_reference: 'PO-2',
                  line_items: [{ description: 'x', quantity: String(qty), unit_price: '1' }],
                },
                { caseId: `C-${i}` },
                {
                  purchaseOrders: [order],
                  goodsReceipts: [
                    { id: 'g', poNumber: 'PO-2', lineNo: '1', quantity: String(received) },
                  ],
                  poInvoices: earlier,
                },
              ),
            )!;
            expect(result.result === 'pass').toBe(total + qty <= received);
            if (result.result === 'pass') {
              total += qty;
              earlier.push({
                caseId: `C-${i}`,
                lines: [{ description: 'x', quantity: String(qty) }],
              });
            }
          }
          expect(total).toBeLessThanOrEqual(received);
        },
      ),
    );
  });
});
