import { createHash } from 'node:crypto';
import { errorCodeOf, messageOf } from '../../../runner/errors.ts';
import {
  type ContainerMediaType,
  type IntakeMediaType,
  sniffContainerMediaType,
  sniffInvoiceMediaType,
  XLSX_MEDIA_TYPE,
} from '../media-type.ts';
import { mapRows } from '../sheets/map-row.ts';
import { type Cell, readCsv } from '../sheets/read-csv.ts';
import { readXlsx } from '../sheets/read-xlsx.ts';
import { chooseSheetMapping, type SheetMapping } from '../sheets/sheet-mapping.ts';
import { writeRowUbl } from '../sheets/write-row-ubl.ts';
import type { RowProblem, SkippedPart } from '../types.ts';
import {
  DEFAULT_ZIP_LIMITS,
  flattenEntryName,
  readZip,
  type ZipBudget,
  type ZipLimits,
} from './read-zip.ts';

/** A file the intake takes: an invoice, a container, or a document derived from a container. */
export interface TakenFile {
  fileName: string;
  bytes: Buffer;
  mediaType: IntakeMediaType;
  isContainer?: boolean;
  parentSha256?: string;
}

export interface ExpandOptions {
  /** Limits for zips and XLSX workbooks; default {@link DEFAULT_ZIP_LIMITS}. */
  zipLimits?: ZipLimits;
  /** Column mappings for vendors' invoice lists; a list none matches is not taken. */
  sheetMappings?: readonly SheetMapping[];
  /** Sender address, for choosing a sheet mapping. */
  from?: string;
}

export interface Expanded {
  files: TakenFile[];
  skipped: SkippedPart[];
  rowProblems: RowProblem[];
}

/** Zips inside a zip are opened, zips inside those are not. */
const MAX_ZIP_NESTING = 1;

/**
 * Opens a container: the container itself comes first (`isContainer`), then what it holds,
 * each naming it in `parentSha256`. A zip gives its invoice files, a zip inside it one level
 * down, and invoice lists inside it their rows. A vendor's invoice list gives one UBL invoice
 * per row. A refused archive (limits, damage) gives no files and a `refused` part.
 */
export function expandContainer(
  file: { fileName: string; bytes: Buffer; mediaType: ContainerMediaType },
  options: ExpandOptions = {},
): Expanded {
  const out: Expanded = { files: [], skipped: [], rowProblems: [] };
  const budget: ZipBudget = { entries: 0, bytes: 0 };
  try {
    expandInto(out, file, options, budget, 0, undefined);
  } catch (error) {
    const refused: SkippedPart = { fileName: file.fileName, reason: 'refused' };
    return {
      files: [],
      skipped: [{ ...refused, code: errorCodeOf(error), message: messageOf(error) }],
      rowProblems: [],
    };
  }
  return out;
}

function expandInto(
  out: Expanded,
  file: { fileName: string; bytes: Buffer; mediaType: ContainerMediaType },
  options: ExpandOptions,
  budget: ZipBudget,
  depth: number,
  parentSha256: string | undefined,
): void {
  const sha256 = sha256Of(file.bytes);
  const sheet = file.mediaType === 'application/zip' ? undefined : readSheet(file, options);
  if (sheet === null) {
    out.skipped.push({ fileName: file.fileName, reason: 'no-mapping' });
    return;
  }
  out.files.push({ ...file, isContainer: true, ...(parentSha256 ? { parentSha256 } : {}) });
  if (sheet) {
    addRows(out, file.fileName, sheet.rows, sheet.mapping, sha256);
    return;
  }
  const limits = options.zipLimits ?? DEFAULT_ZIP_LIMITS;
  for (const entry of readZip(file.bytes, file.fileName, limits, budget)) {
    const fileName = flattenEntryName(entry.name);
    const declared = { fileName };
    const invoiceType = sniffInvoiceMediaType(entry.bytes, declared);
    const containerType = invoiceType ? undefined : sniffContainerMediaType(entry.bytes, declared);
    if (invoiceType) {
      out.files.push({
        fileName,
        bytes: entry.bytes,
        mediaType: invoiceType,
        parentSha256: sha256,
      });
    } else if (!containerType) {
      out.skipped.push({ fileName, reason: 'unsupported' });
    } else if (containerType === 'application/zip' && depth >= MAX_ZIP_NESTING) {
      out.skipped.push({ fileName, reason: 'too-deep' });
    } else {
      const inner = { fileName, bytes: entry.bytes, mediaType: containerType };
      expandInto(out, inner, options, budget, depth + 1, sha256);
    }
  }
}

/** The rows and mapping of an invoice list, or null when no mapping matches it. */
function readSheet(
  file: { fileName: string; bytes: Buffer; mediaType: ContainerMediaType },
  options: ExpandOptions,
): { rows: Cell[][]; mapping: SheetMapping } | null {
  const mapping = chooseSheetMapping(options.sheetMappings ?? [], {
    from: options.from,
    fileName: file.fileName,
  });
  if (!mapping) return null;
  const limits = options.zipLimits ?? DEFAULT_ZIP_LIMITS;
  const rows =
    file.mediaType === XLSX_MEDIA_TYPE
      ? readXlsx(file.bytes, file.fileName, limits)
      : readCsv(file.bytes, mapping);
  return { rows, mapping };
}

function addRows(
  out: Expanded,
  fileName: string,
  rows: Cell[][],
  mapping: SheetMapping,
  sheetSha256: string,
): void {
  const stem = fileName.replace(/\.[^.]+$/, '');
  for (const row of mapRows(rows, mapping)) {
    const origin = `${fileName} row ${row.rowNumber} (mapping ${mapping.name})`;
    out.files.push({
      fileName: `${stem}-row-${row.rowNumber}.xml`,
      bytes: Buffer.from(writeRowUbl(row, origin), 'utf8'),
      mediaType: 'application/xml',
      parentSha256: sheetSha256,
    });
    if (row.problems.length > 0) {
      out.rowProblems.push({ fileName, rowNumber: row.rowNumber, problems: row.problems });
    }
  }
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
