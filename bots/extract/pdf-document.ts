import { createRequire } from 'node:module';
import path from 'node:path';
import {
  getDocument,
  type PDFDocumentProxy,
  type PDFPageProxy,
} from 'pdfjs-dist/legacy/build/pdf.mjs';
import { BusinessError } from '../../runner/errors.ts';

const PDFJS_DIR = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

/** A text line rebuilt from positioned items, with the cells that big gaps separate. */
export interface TextLine {
  text: string;
  cells: string[];
  /** Left edge of each cell, PDF units. */
  cellX: number[];
  y: number;
}

export interface PdfAttachment {
  fileName: string;
  content: Uint8Array;
}

/** Opens a PDF; anything pdfjs cannot parse is FILE_UNREADABLE naming the file. */
export async function openPdf(bytes: Uint8Array, fileName: string): Promise<PDFDocumentProxy> {
  // pdfjs takes ownership of (and detaches) the buffer it is given, and refuses a Node Buffer,
  // so it gets a plain Uint8Array copy.
  const task = getDocument({
    data: new Uint8Array(bytes),
    verbosity: 0,
    isEvalSupported: false,
    useSystemFonts: false,
    cMapUrl: `${path.join(PDFJS_DIR, 'cmaps')}/`,
    cMapPacked: true,
    standardFontDataUrl: `${path.join(PDFJS_DIR, 'standard_fonts')}/`,
  });
  try {
    return await task.promise;
  } catch (error) {
    await task.destroy().catch(() => undefined);
    throw new BusinessError('FILE_UNREADABLE', `${fileName}: the PDF cannot be read`, {
      cause: error,
      details: { file: fileName },
    });
  }
}

/** Embedded files (PDF/A-3 associated files), e.g. `factur-x.xml`. */
export async function pdfAttachments(doc: PDFDocumentProxy): Promise<PdfAttachment[]> {
  const raw = (await doc.getAttachments()) as Record<
    string,
    { filename: string; content: Uint8Array }
  > | null;
  return Object.values(raw ?? {}).map((a) => ({ fileName: a.filename, content: a.content }));
}

interface PositionedItem {
  text: string;
  x: number;
  y: number;
  width: number;
  size: number;
}

/** The page's text layer as lines, top to bottom, cells left to right. */
export async function pageLines(page: PDFPageProxy): Promise<TextLine[]> {
  const content = await page.getTextContent();
  const items: PositionedItem[] = [];
  for (const item of content.items) {
    if (!('str' in item) || item.str.trim() === '') continue;
    const size = Math.max(Math.abs(item.transform[3] ?? 0), item.height, 1);
    items.push({
      text: item.str,
      x: item.transform[4],
      y: item.transform[5],
      width: item.width,
      size,
    });
  }
  return groupLines(items);
}

function groupLines(items: PositionedItem[]): TextLine[] {
  const sorted = [...items].sort((a, b) => b.y - a.y || a.x - b.x);
  const rows: PositionedItem[][] = [];
  for (const item of sorted) {
    const row = rows[rows.length - 1];
    const anchor = row?.[0];
    // Items whose baselines differ by less than ~40 % of the font size share a line; this
    // tolerates superscripts and the small offsets PDF generators put between table cells.
    if (row && anchor && Math.abs(anchor.y - item.y) <= Math.max(2, anchor.size * 0.4))
      row.push(item);
    else rows.push([item]);
  }
  return rows.map(buildLine);
}

function buildLine(row: PositionedItem[]): TextLine {
  const items = row.sort((a, b) => a.x - b.x);
  const cells: string[] = [];
  const cellX: number[] = [];
  let end = Number.NEGATIVE_INFINITY;
  for (const item of items) {
    const gap = item.x - end;
    if (cells.length === 0 || gap > item.size * 1.2) {
      cells.push(item.text.trim());
      cellX.push(item.x);
    } else {
      const sep = gap > item.size * 0.12 && !/\s$/.test(cells[cells.length - 1] ?? '') ? ' ' : '';
      cells[cells.length - 1] += sep + item.text.trimEnd();
    }
    end = Math.max(end, item.x + item.width);
  }
  const clean = cells.map((c) => c.replace(/\s+/g, ' ').trim());
  return { text: clean.join('  '), cells: clean, cellX, y: items[0]?.y ?? 0 };
}
