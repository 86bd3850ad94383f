import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import iconv from 'iconv-lite';
import { z } from 'zod';
import { SystemError } from '../../../runner/errors.ts';

/** The fields a vendor's invoice list can fill, named as in runner/invoice.ts. */
export const SHEET_FIELDS = [
  'invoice_number',
  'issue_date',
  'due_date',
  'currency',
  'net_total',
  'tax_total',
  'gross_total',
  'order_reference',
  'seller_name',
  'seller_vat_id',
  'buyer_name',
] as const;
export type SheetField = (typeof SHEET_FIELDS)[number];

export const DATE_FORMATS = [
  'YYYY-MM-DD',
  'DD.MM.YYYY',
  'DD/MM/YYYY',
  'MM/DD/YYYY',
  'DD-MM-YYYY',
] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

const fieldRecord = z.partialRecord(z.enum(SHEET_FIELDS), z.string().min(1));

const mappingSchema = z
  .object({
    /** Shown in logs and written into each derived document's note. */
    name: z.string().min(1),
    /** Every criterion given must hold; at least one must be given. */
    match: z
      .object({
        /** Sender addresses; `*` stands for any run of characters (`*@acme.example`). */
        from: z.array(z.string().min(1)).optional(),
        /** Regular expression on the file name, case-insensitive. */
        fileName: z.string().min(1).optional(),
      })
      .strict()
      .refine((m) => m.from || m.fileName, 'give from, fileName or both'),
    /** CSV only. Unset: UTF-8 when the bytes are valid UTF-8, else windows-1252. */
    charset: z.string().optional(),
    /** CSV only. Unset: whichever of `;`, `,` and tab the header line holds most of. */
    delimiter: z.string().length(1).optional(),
    /** 1-based row holding the column titles; data follows it. */
    headerRow: z.number().int().min(1).default(1),
    /** Amounts written `1.234,56`. */
    isDecimalComma: z.boolean().default(false),
    /** How text dates are written; numeric XLSX date cells are read as Excel serials. */
    dateFormat: z.enum(DATE_FORMATS).default('YYYY-MM-DD'),
    /** Field name to column title, as written in the header row (case and spaces ignored). */
    columns: fieldRecord.refine((c) => c.invoice_number, 'columns.invoice_number is required'),
    /** Values the same for every row, e.g. the vendor's name and VAT id; columns win. */
    constants: fieldRecord.default({}),
  })
  .strict();

export const sheetMappingsSchema = z.object({ mappings: z.array(mappingSchema) }).strict();

export type SheetMapping = z.infer<typeof mappingSchema>;

/**
 * Reads a mapping file (see config/examples/spreadsheet-mappings.yaml).
 * @throws SystemError SHEET_MAPPING_INVALID naming the file and each problem
 */
export function loadSheetMappings(file: string): SheetMapping[] {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SystemError('SHEET_MAPPING_INVALID', `cannot read ${file}`, { cause: error });
  }
  const parsed = sheetMappingsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new SystemError('SHEET_MAPPING_INVALID', `${file}: ${problems.join('; ')}`);
  }
  for (const mapping of parsed.data.mappings) checkPattern(file, mapping);
  return parsed.data.mappings;
}

function checkPattern(file: string, mapping: SheetMapping): void {
  try {
    if (mapping.match.fileName) new RegExp(mapping.match.fileName, 'i');
    if (mapping.charset && !iconv.encodingExists(mapping.charset)) throw new Error('bad charset');
  } catch (error) {
    throw new SystemError(
      'SHEET_MAPPING_INVALID',
      `${file}: ${mapping.name}: bad fileName pattern or charset`,
      {
        cause: error,
      },
    );
  }
}

/** The first mapping whose criteria all hold for this sender and file name. */
export function chooseSheetMapping(
  mappings: readonly SheetMapping[],
  sheet: { from?: string; fileName: string },
): SheetMapping | undefined {
  return mappings.find((mapping) => {
    const { from, fileName } = mapping.match;
    if (from && !from.some((pattern) => matchesAddress(pattern, sheet.from))) return false;
    if (fileName && !new RegExp(fileName, 'i').test(sheet.fileName)) return false;
    return true;
  });
}

function matchesAddress(pattern: string, address: string | undefined): boolean {
  if (!address) return false;
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i').test(address);
}
