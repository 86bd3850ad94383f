import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PagedLine } from './label-search.ts';
import { pageLines } from './pdf-document.ts';

/** Below this many characters a page has no usable text layer and goes to OCR. */
export const MIN_TEXT_CHARS_PER_PAGE = 20;

/** Lines of every page's text layer; `textlessPages` lists the pages that need OCR. */
export async function readPdfText(
  doc: PDFDocumentProxy,
): Promise<{ lines: PagedLine[]; textlessPages: number[] }> {
  const lines: PagedLine[] = [];
  const textlessPages: number[] = [];
  for (let page = 1; page <= doc.numPages; page++) {
    const pdfPage = await doc.getPage(page);
    const pageText = await pageLines(pdfPage);
    pdfPage.cleanup();
    const chars = pageText.reduce((n, l) => n + l.text.replace(/\s/g, '').length, 0);
    if (chars < MIN_TEXT_CHARS_PER_PAGE) textlessPages.push(page);
    for (const line of pageText) lines.push({ page, ...line });
  }
  return { lines, textlessPages };
}
