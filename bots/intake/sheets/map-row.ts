import { Decimal } from 'decimal.js';
import type { Cell } from './read-csv.ts';
import type { DateFormat, SheetField, SheetMapping } from './sheet-mapping.ts';

const DATE_FIELDS = new Set<SheetField>(['issue_date', 'due_date']);
const MONEY_FIELDS = new Set<SheetField>(['net_total', 'tax_total', 'gross_total']);
/** Without these a row is no invoice; an empty cell in another column is simply not stated. */
const REQUIRED_FIELDS = new Set<SheetField>(['invoice_number', 'issue_date', 'gross_total']);

export type RowFields = Partial<Record<SheetField, string>>;

export interface MappedRow {
  /** 1-based row number in the sheet, as a person sees it. */
  rowNumber: number;
  fields: RowFields;
  /** Why a mapped field is missing, e.g. `issue_date "31.02.2024" is not DD.MM.YYYY`. */
  problems: string[];
}

/**
 * Maps every data row below the header row. A row that is blank in every cell is not an invoice
 * and is left out; any other row gives a MappedRow, with its problems listed, so that nothing a
 * vendor listed is dropped without a trace.
 */
export function mapRows(rows: Cell[][], mapping: SheetMapping): MappedRow[] {
  const header = (rows[mapping.headerRow - 1] ?? []).map((cell) => normalTitle(String(cell)));
  const result: MappedRow[] = [];
  for (let index = mapping.headerRow; index < rows.length; index++) {
    const row = rows[index] ?? [];
    if (row.every((cell) => String(cell).trim() === '')) continue;
    result.push(mapRow(header, row, index + 1, mapping));
  }
  return result;
}

function mapRow(header: string[], row: Cell[], rowNumber: number, mapping: SheetMapping) {
  const mapped: MappedRow = { rowNumber, fields: { ...mapping.constants }, problems: [] };
  for (const [field, title] of Object.entries(mapping.columns) as [SheetField, string][]) {
    const column = header.indexOf(normalTitle(title));
    if (column < 0) {
      mapped.problems.push(`${field}: column "${title}" is not in the header row`);
      continue;
    }
    const cell = row[column] ?? '';
    if (String(cell).trim() === '') {
      if (REQUIRED_FIELDS.has(field)) mapped.problems.push(`${field}: cell is empty`);
      continue;
    }
    const value = convert(field, cell, mapping);
    if (value === undefined) mapped.problems.push(`${field}: "${cell}" cannot be read`);
    else mapped.fields[field] = value;
  }
  return mapped;
}

function convert(field: SheetField, cell: Cell, mapping: SheetMapping): string | undefined {
  if (DATE_FIELDS.has(field)) return readDate(cell, mapping.dateFormat);
  if (MONEY_FIELDS.has(field)) return readAmount(cell, mapping.isDecimalComma);
  if (field === 'currency')
    return /^[A-Za-z]{3}$/.test(String(cell).trim())
      ? String(cell).trim().toUpperCase()
      : undefined;
  return String(cell).trim();
}

/** A decimal string with two places, or undefined; XLSX numbers are doubles, so 15 digits. */
export function readAmount(cell: Cell, isDecimalComma: boolean): string | undefined {
  if (typeof cell === 'number') return new Decimal(cell.toPrecision(15)).toFixed(2);
  let text = cell
    .trim()
    .replace(/[\s\u00a0'’]/g, '')
    .replace(/^([A-Z]{3}|[€$£])|([A-Z]{3}|[€$£])$/g, '');
  text = isDecimalComma ? text.replace(/\./g, '').replace(',', '.') : text.replace(/,/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(text)) return undefined;
  const value = new Decimal(text);
  return value.decimalPlaces() > 2 ? value.toFixed() : value.toFixed(2);
}

const DATE_PARTS: Record<DateFormat, { pattern: RegExp; order: [number, number, number] }> = {
  'YYYY-MM-DD': { pattern: /^(\d{4})-(\d{1,2})-(\d{1,2})$/, order: [1, 2, 3] },
  'DD.MM.YYYY': { pattern: /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, order: [3, 2, 1] },
  'DD/MM/YYYY': { pattern: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, order: [3, 2, 1] },
  'MM/DD/YYYY': { pattern: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, order: [3, 1, 2] },
  'DD-MM-YYYY': { pattern: /^(\d{1,2})-(\d{1,2})-(\d{4})$/, order: [3, 2, 1] },
};

/** Excel's day 0 in the 1900 date system, as it counts (with its phantom 29 Feb 1900). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

/** YYYY-MM-DD, or undefined for a text not in `format` or a date that does not exist. */
export function readDate(cell: Cell, format: DateFormat): string | undefined {
  if (typeof cell === 'number') {
    if (cell < 1 || cell > 2_958_465) return undefined;
    return new Date(EXCEL_EPOCH_MS + Math.floor(cell) * DAY_MS).toISOString().slice(0, 10);
  }
  const { pattern, order } = DATE_PARTS[format];
  const match = pattern.exec(cell.trim());
  if (!match) return undefined;
  const [y, m, d] = order.map((group) => Number(match[group]));
  const date = new Date(Date.UTC(y!, m! - 1, d!));
  if (date.getUTCMonth() !== m! - 1 || date.getUTCDate() !== d!) return undefined;
  return date.toISOString().slice(0, 10);
}

function normalTitle(title: string): string {
  return title.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();
}
