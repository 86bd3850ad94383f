import { XMLParser } from 'fast-xml-parser';
import { BusinessError } from '../../../runner/errors.ts';
import { readZip, type ZipLimits } from '../containers/read-zip.ts';
import type { Cell } from './read-csv.ts';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => ['row', 'c', 'si', 'r', 'Relationship', 'sheet'].includes(name),
});

/**
 * Reads the first worksheet of an XLSX workbook into rows of cells: shared and inline strings as
 * text, numbers as numbers (dates are numbers too: Excel serials). The workbook is a zip, so the
 * same limits as for any zip keep a crafted file from blowing up memory.
 *
 * @throws BusinessError ARCHIVE_UNSAFE beyond the limits; FILE_UNREADABLE when no sheet is found
 */
export function readXlsx(bytes: Buffer, fileName: string, limits: ZipLimits): Cell[][] {
  const parts = new Map(readZip(bytes, fileName, limits).map((e) => [e.name, e.bytes]));
  const xml = (name: string) => {
    const part = parts.get(name);
    if (!part) return undefined;
    const text = part.toString('utf8');
    // Workbooks never declare entities; one that does is crafted (billion laughs).
    if (/<!DOCTYPE/i.test(text)) throw unreadable(fileName, `${name} declares a DOCTYPE`);
    return parser.parse(text);
  };
  const sheet = xml(firstSheetPath(xml) ?? 'xl/worksheets/sheet1.xml');
  if (!sheet) throw unreadable(fileName, 'no worksheet');
  const shared = sharedStrings(xml('xl/sharedStrings.xml'));
  return sheetRows(sheet, shared);
}

type Xml = (name: string) => unknown;
type XmlObject = Record<string, unknown>;

/** Walks parsed XML by element names; undefined where a step is missing. */
function at(node: unknown, ...names: string[]): unknown {
  let current = node;
  for (const name of names) {
    if (!current || typeof current !== 'object') return undefined;
    current = (current as XmlObject)[name];
  }
  return current;
}

function list(node: unknown): XmlObject[] {
  if (node === undefined || node === null) return [];
  return (Array.isArray(node) ? node : [node]) as XmlObject[];
}

function firstSheetPath(xml: Xml): string | undefined {
  const relId = at(list(at(xml('xl/workbook.xml'), 'workbook', 'sheets', 'sheet'))[0], '@id');
  const rels = list(at(xml('xl/_rels/workbook.xml.rels'), 'Relationships', 'Relationship'));
  const target = rels.find((r) => r['@Id'] === relId)?.['@Target'];
  if (typeof target !== 'string') return undefined;
  return target.startsWith('/') ? target.slice(1) : `xl/${target}`;
}

function sharedStrings(doc: unknown): string[] {
  return list(at(doc, 'sst', 'si')).map((si) => {
    if (si.t !== undefined) return textOf(si.t);
    return list(si.r)
      .map((run) => textOf(run.t))
      .join('');
  });
}

function sheetRows(doc: unknown, shared: string[]): Cell[][] {
  const rows: Cell[][] = [];
  for (const row of list(at(doc, 'worksheet', 'sheetData', 'row'))) {
    const index = Number(row['@r'] ?? rows.length + 1) - 1;
    const cells: Cell[] = [];
    for (const c of list(row.c)) {
      cells[columnIndex(c['@r'] as string | undefined, cells.length)] = cellValue(c, shared);
    }
    rows[index] = Array.from(cells, (cell) => cell ?? '');
  }
  return Array.from(rows, (row) => row ?? []);
}

function cellValue(c: XmlObject, shared: string[]): Cell {
  const type = c['@t'];
  if (type === 's') return shared[Number(textOf(c.v))] ?? '';
  if (type === 'inlineStr') {
    const inline = at(c, 'is', 't') ?? list(at(c, 'is', 'r')).map((run) => run.t);
    return textOf(inline);
  }
  const raw = textOf(c.v);
  if (type === 'str' || type === 'e' || raw === '') return raw;
  if (type === 'b') return raw === '1' ? 'TRUE' : 'FALSE';
  const number = Number(raw);
  return Number.isFinite(number) ? number : raw;
}

/** `C7` → 2; a cell without a reference follows the one before it. */
function columnIndex(ref: string | undefined, next: number): number {
  const letters = /^([A-Z]+)/.exec(ref ?? '')?.[1];
  if (!letters) return next;
  return [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
}

function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(textOf).join('');
  if (typeof value === 'object') return textOf((value as Record<string, unknown>)['#text']);
  return String(value);
}

function unreadable(fileName: string, why: string): BusinessError {
  return new BusinessError('FILE_UNREADABLE', `workbook ${fileName} cannot be read: ${why}`, {
    details: { file: fileName },
  });
}
