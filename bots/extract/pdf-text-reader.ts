import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PagedLine } from './label-search.ts';
import { pageLines } from './pdf-document.ts';
import { judgeTextQuality } from './text-quality.ts';

/** Below this many characters a page has no usable text layer and goes to OCR. */
export const MIN_TEXT_CHARS_PER_PAGE = 20;

/**
 * Lines of every page's text layer; `textlessPages` lists the pages that need OCR: those
 * with (almost) no text and those whose text is garbled (`garbled` says why); a garbled
 * page's lines are dropped.
 */
export async function readPdfText(doc: PDFDocumentProxy): Promise<{
  lines: PagedLine[];
  textlessPages: number[];
  garbled: Array<{ page: number; reason: string }>;
}> {
  const lines: PagedLine[] = [];
  const textlessPages: number[] = [];
  const garbled: Array<{ page: number; reason: string }> = [];
  for (let page = 1; page <= doc.numPages; page++) {
    const pdfPage = await doc.getPage(page);
    const pageText = await pageLines(pdfPage);
    pdfPage.cleanup();
    const chars = pageText.reduce((n, l) => n + l.text.replace(/\s/g, '').length, 0);
    const quality = judgeTextQuality(pageText.map((l) => l.text).join('\n'));
    if (quality.isGarbled) garbled.push({ page, reason: quality.reason ?? 'garbled' });
    if (chars < MIN_TEXT_CHARS_PER_PAGE || quality.isGarbled) textlessPages.push(page);
    else for (const line of pageText) lines.push({ page, ...line });
  }
  return { lines, textlessPages, garbled };
}
