import { parse } from 'csv-parse/sync';
import { decodeText } from '../../../runner/decode-text.ts';
import type { SheetMapping } from './sheet-mapping.ts';

/** A cell as read: text, or a number for XLSX numeric cells. */
export type Cell = string | number;

/**
 * Reads a CSV invoice list into rows of text cells. Vendors' ERPs still export in their Windows
 * code page, so bytes that are not valid UTF-8 are read as windows-1252 unless the mapping
 * names the charset; a UTF-8 byte order mark is dropped.
 */
export function readCsv(bytes: Buffer, mapping: Pick<SheetMapping, 'charset' | 'delimiter'>) {
  const text = decodeText(bytes, mapping.charset);
  const rows: string[][] = parse(text, {
    delimiter: mapping.delimiter ?? guessDelimiter(text),
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    bom: true,
  });
  return rows as Cell[][];
}

function guessDelimiter(text: string): string {
  const header = text.split(/\r?\n/, 1)[0] ?? '';
  const counts = [';', ',', '\t'].map((d) => [d, header.split(d).length - 1] as const);
  return counts.reduce((best, next) => (next[1] > best[1] ? next : best))[0];
}
