import { Decimal } from 'decimal.js';
import type { LineItem } from '../../runner/invoice.ts';
import { money, quantity } from './field-values.ts';
import type { PagedLine } from './label-search.ts';
import { parseAmounts } from './text-values.ts';

type Role = 'description' | 'quantity' | 'unit_price' | 'line_total' | 'other';

interface Column {
  role: Role;
  x: number;
}

/** Table headers in the six languages, tried per header cell in this order. */
const HEADERS: Array<[Role, RegExp]> = [
  [
    'unit_price',
    /^(?:unit\s*(?:price|cost)|nettopreis|vk-?preis|price\s+per\s+unit|rate|price|einzelpreis|e-?preis|preis(?:\s*\/\s*einheit)?|stückpreis|prix\s+unit(?:aire)?\.?|p\.\s?u\.?(?:\s+ht)?|prix(?:\s+ht)?|precio(?:\s+unit(?:ario)?)?|prezzo(?:\s+unit(?:ario)?)?|prijs(?:\s+per\s+stuk)?|stukprijs|eenheidsprijs)\b/i,
  ],
  [
    'quantity',
    /^(?:qty|quantity|menge|anzahl|anz\.?|qt[ée]\.?|quantit[ée]|cantidad|cant\.?|quantit[àa]|qt[àa]\.?|aantal|nombre|nb|units|hours|stunden)(?![a-z])/i,
  ],
  [
    'line_total',
    /^(?:amount|line\s+total|zeilenbetrag|positionsbetrag|total(?:\s+price|\s+ht|\s+net)?|net\s+amount|betrag|gesamt(?:preis|betrag)?|summe|netto(?:betrag)?|montant(?:\s+ht)?|importe|importo|totale|bedrag|totaal)\b/i,
  ],
  [
    'description',
    /^(?:description|item|items|product|service|details|bezeichnung|beschreibung|artikel(?:bezeichnung)?|leistung|produkt|d[ée]signation|libell[ée]|descripci[oó]n|concepto|art[ií]culo|descrizione|articolo|omschrijving|artikel)\b/i,
  ],
  ['other', /^(?:pos\.?|nr\.?|no\.?|#|vat|tax|mwst|ust|tva|iva|btw|unit|einheit|unit[ée]|%)/i],
];

/** A line at which the table has ended: the totals block or a page footer. */
const TABLE_END =
  /^(?:sub-?total|total|positionssumme|umsatzsteuer|steuer|tax\s+summary|vat\s+summary|r[ée]capitulatif|riepilogo|resumen|net\b|netto|nettobetrag|gesamt|summe|zwischensumme|mwst|vat\b|tax\b|tva\b|montant|sous-total|importe|base\s+imponible|totale|imponibile|totaal|btw\b|amount\s+due|balance|seite\s+\d|page\s+\d)/i;

function roleOf(cell: string): Role | undefined {
  return HEADERS.find(([, pattern]) => pattern.test(cell.trim()))?.[0];
}

function columnsOf(line: PagedLine): Column[] {
  return line.cells.map((cell, i) => ({ role: roleOf(cell) ?? 'other', x: line.cellX[i] ?? 0 }));
}

/**
 * Headers printed on two or three lines ("Gesamt-" / "betrag" above "Menge"): roles the
 * header line lacks are taken from the lines just above and below it.
 */
function withNeighbourRoles(columns: Column[], neighbours: PagedLine[]): Column[] {
  const out = [...columns];
  for (const extra of neighbours.flatMap(columnsOf)) {
    const isNew = !out.some((c) => c.role === extra.role || Math.abs(c.x - extra.x) < 15);
    if (extra.role !== 'other' && isNew) out.push(extra);
  }
  return out.sort((a, b) => a.x - b.x);
}

/** The columns of a header line, when it names a description and at least two amounts. */
function headerColumns(line: PagedLine, neighbours: PagedLine[] = []): Column[] | undefined {
  let columns = columnsOf(line);
  const known = columns.filter((c) => c.role !== 'other').length;
  if (known >= 2 && neighbours.length > 0) columns = withNeighbourRoles(columns, neighbours);
  if (columns.filter((c) => c.role !== 'other').length < 3) return undefined;
  const roles = new Set(columns.map((c) => c.role));
  const amounts = ['quantity', 'unit_price', 'line_total'].filter((r) => roles.has(r as Role));
  if (!roles.has('description') || !roles.has('line_total') || amounts.length < 2) {
    return undefined;
  }
  return columns as Column[];
}

function nearest(columns: Column[], x: number): Column {
  let best = columns[0]!;
  for (const column of columns) {
    if (Math.abs(column.x - x) < Math.abs(best.x - x)) best = column;
  }
  return best;
}

interface RawRow {
  description: string[];
  quantity?: string;
  unitPrice?: string;
  lineTotal?: string;
}

function rowOf(line: PagedLine, columns: Column[]): RawRow {
  const row: RawRow = { description: [] };
  line.cells.forEach((cell, i) => {
    const column = nearest(columns, line.cellX[i] ?? 0);
    if (column.role === 'description') row.description.push(cell);
    else if (column.role === 'quantity') row.quantity = cell;
    else if (column.role === 'unit_price') row.unitPrice = cell;
    else if (column.role === 'line_total') row.lineTotal = cell;
  });
  return row;
}

function lastAmount(cell: string | undefined): string | undefined {
  if (cell === undefined) return undefined;
  const amounts = parseAmounts(cell);
  return amounts[amounts.length - 1];
}

function itemOf(row: RawRow): LineItem | undefined {
  const lineTotal = money(lastAmount(row.lineTotal));
  if (lineTotal === undefined) return undefined;
  // An amount with neither words nor a quantity beside it is a breakdown row, not an item.
  if (row.description.length === 0 && row.quantity === undefined) return undefined;
  const item: LineItem = {};
  const description = row.description.join(' ').trim();
  if (description) item.description = description;
  const qty = quantity(parseAmounts(row.quantity ?? '')[0]);
  if (qty !== undefined) item.quantity = qty;
  const price = lastAmount(row.unitPrice);
  if (price !== undefined) item.unit_price = money(price) ?? price;
  item.line_total = lineTotal;
  return item;
}

// A wrapped description: words only, all under the description column.
function isDescriptionOnly(row: RawRow, line: PagedLine): boolean {
  return row.description.length === line.cells.length && /[A-Za-zÀ-ÿ]{3}/.test(line.text);
}

// OCR puts specks before a row ("-  Net  1,867.61"); the first cell with a word decides.
function firstWordCell(line: PagedLine): string {
  return line.cells.find((c) => /[A-Za-zÀ-ÿ]{3}/.test(c)) ?? '';
}

/** Rows under one header line until the totals block; text-only rows continue a description. */
function readTable(lines: PagedLine[], start: number, columns: Column[]): LineItem[] {
  const items: LineItem[] = [];
  const page = lines[start]?.page;
  let pending: RawRow | undefined;
  let extraLines = 0;
  for (const line of lines.slice(start + 1)) {
    if (line.page !== page || TABLE_END.test(firstWordCell(line))) break;
    if (headerColumns(line)) break;
    const row = rowOf(line, columns);
    // A row whose amount sits on the next line (a second line with article numbers).
    if (pending && row.lineTotal && !row.unitPrice && !row.quantity) {
      row.description = pending.description;
      row.quantity = pending.quantity;
      row.unitPrice = pending.unitPrice;
    }
    const item = itemOf(row);
    pending = !item && (row.unitPrice || row.quantity) ? row : undefined;
    if (item) {
      items.push(item);
      extraLines = 0;
    } else if (!pending && isDescriptionOnly(row, line) && extraLines++ < 1) {
      const last = items[items.length - 1];
      if (last?.description !== undefined) last.description += ` ${row.description.join(' ')}`;
    }
  }
  return items;
}

export interface ItemsHit {
  value: LineItem[];
  confidence: number;
  page: number;
}

/**
 * Line items rebuilt from a table: a header line naming the columns, then each line whose
 * amount column holds money. Confidence rises when every row's quantity times price is its
 * amount, and again when the amounts add up to the net total.
 */
export function readLineItems(lines: PagedLine[], netTotal?: string): ItemsHit | undefined {
  const items: LineItem[] = [];
  let page: number | undefined;
  lines.forEach((line, i) => {
    const around = [lines[i - 1], lines[i + 1]].filter((l) => l?.page === line.page);
    const columns = headerColumns(line, around as PagedLine[]);
    if (!columns) return;
    page ??= line.page;
    items.push(...readTable(lines, i, columns));
  });
  if (items.length === 0 || page === undefined) return undefined;
  repairDroppedPoints(items, netTotal);
  let confidence = 0.6;
  if (items.every(rowAddsUp)) confidence += 0.1;
  if (netTotal !== undefined && sumEquals(items, netTotal)) confidence += 0.15;
  return { value: items, confidence, page };
}

function rowAddsUp(item: LineItem): boolean {
  if (!item.quantity || !item.unit_price || !item.line_total) return false;
  try {
    const product = new Decimal(item.quantity).times(item.unit_price).toDecimalPlaces(2);
    return product.equals(new Decimal(item.line_total));
  } catch {
    return false;
  }
}

function sumEquals(items: LineItem[], total: string): boolean {
  const sum = items.reduce((s, i) => s.plus(i.line_total ?? 0), new Decimal(0));
  return sum.equals(new Decimal(total));
}

/**
 * OCR sometimes drops a decimal point ("20.13" read "2013"). When the amounts miss the net
 * total and reading one whole-number row as cents makes them meet it, that row is repaired.
 */
function repairDroppedPoints(items: LineItem[], netTotal: string | undefined): void {
  if (netTotal === undefined || sumEquals(items, netTotal)) return;
  for (const item of items) {
    const whole = item.line_total;
    if (!whole || !/\.00$/.test(whole)) continue;
    const cents = new Decimal(whole).dividedBy(100).toFixed(2);
    item.line_total = cents;
    if (sumEquals(items, netTotal)) {
      if (item.unit_price && /\.00$/.test(item.unit_price) && item.quantity) {
        item.unit_price = new Decimal(cents).dividedBy(item.quantity).toFixed(2);
      }
      return;
    }
    item.line_total = whole;
  }
}
