import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { plainFields } from '../../runner/invoice.ts';
import { silentLogger } from '../../runner/logger.ts';
import { listCorpus, scoreFields } from '../../scripts/lib/corpus.ts';
import { extractDocument } from './index.ts';
import type { PagedLine } from './label-search.ts';
import { readLineItems } from './line-items.ts';

/** Lines from cells at fixed x positions, as the PDF reader builds them. */
function table(rows: Array<Array<[number, string]>>): PagedLine[] {
  return rows.map((cells) => ({
    page: 1,
    text: cells.map(([, c]) => c).join('  '),
    cells: cells.map(([, c]) => c),
    cellX: cells.map(([x]) => x),
  }));
}

const HEADERS: Array<[string, string[]]> = [
  ['en', ['Description', 'Qty', 'Unit price', 'Amount']],
  ['de', ['Bezeichnung', 'Menge', 'Einzelpreis', 'Betrag']],
  ['fr', ['Désignation', 'Qté', 'Prix unitaire', 'Montant HT']],
  ['es', ['Descripción', 'Cantidad', 'Precio unitario', 'Importe']],
  ['it', ['Descrizione', 'Quantità', 'Prezzo unitario', 'Importo']],
  ['nl', ['Omschrijving', 'Aantal', 'Prijs per stuk', 'Bedrag']],
];
const X = [50, 330, 400, 500];

describe('line items from positioned text', () => {
  it.each(HEADERS)('reads a %s table and stops at the totals', (_, header) => {
    const lines = table([
      header.map((h, i) => [X[i]!, h]),
      [
        [50, 'Office chair ErgoPlus 300'],
        [354, '2'],
        [419, '284,70'],
        [509, '569,40'],
      ],
      [
        [50, 'Printer maintenance'],
        [354, '3'],
        [425, '76,42'],
        [509, '229,26'],
      ],
      [
        [350, 'Total'],
        [509, '798,66'],
      ],
    ]);
    const hit = readLineItems(lines, '798.66');
    expect(hit?.value).toEqual([
      {
        description: 'Office chair ErgoPlus 300',
        quantity: '2',
        unit_price: '284.70',
        line_total: '569.40',
      },
      {
        description: 'Printer maintenance',
        quantity: '3',
        unit_price: '76.42',
        line_total: '229.26',
      },
    ]);
    // Every row adds up and the rows add up to the net total.
    expect(hit?.confidence).toBeCloseTo(0.85);
  });

  it('is less sure when the rows do not add up to the net total', () => {
    const lines = table([
      HEADERS[0]![1].map((h, i) => [X[i]!, h]),
      [
        [50, 'Widget'],
        [354, '2'],
        [419, '5.00'],
        [509, '10.00'],
      ],
    ]);
    expect(readLineItems(lines, '99.00')?.confidence).toBeCloseTo(0.7);
  });

  it('repairs an OCR amount whose decimal point was lost when the net total proves it', () => {
    const lines = table([
      HEADERS[0]![1].map((h, i) => [X[i]!, h]),
      [
        [50, 'Backup storage'],
        [354, '1'],
        [419, '2013'],
        [509, '2013'],
      ],
      [
        [50, 'Hosting'],
        [354, '3'],
        [419, '344.63'],
        [509, '1,033.89'],
      ],
    ]);
    const items = readLineItems(lines, '1054.02')?.value;
    expect(items?.[0]).toMatchObject({ unit_price: '20.13', line_total: '20.13' });
  });

  it('finds no items without a header row', () => {
    expect(
      readLineItems(
        table([
          [
            [50, 'Widget'],
            [509, '10.00'],
          ],
        ]),
      ),
    ).toBeUndefined();
  });

  it('reads line items from the corpus text layers (measured 8 of 23 documents)', async () => {
    const pdfs = listCorpus().filter(
      (e) => (e.kind === 'text-pdf' || e.kind === 'facturx-pdf') && e.expected['line_items'],
    );
    let hits = 0;
    for (const entry of pdfs) {
      const result = await extractDocument(
        { bytes: readFileSync(entry.path), fileName: entry.path },
        {
          ocrWorkers: 1,
          ocrPageTimeoutMs: 60_000,
          ocrRenderScale: 3,
          logger: silentLogger,
          readEmbeddedXml: false,
        },
      );
      const score = scoreFields(plainFields(result.fields), entry.expected);
      if (score.find((s) => s.field === 'line_items')?.hit) hits++;
    }
    expect(pdfs.length).toBe(23);
    expect(hits).toBeGreaterThanOrEqual(8);
  });
});
