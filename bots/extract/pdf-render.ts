import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { grayPgm } from './image-prep.ts';

interface NodeContext {
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
}

interface CanvasFactory {
  create(width: number, height: number): { canvas: unknown; context: NodeContext };
  destroy(entry: { canvas: unknown; context: NodeContext }): void;
}

/**
 * Renders one page for OCR, as a grayscale PGM, with pdfjs's own canvas factory (backed by
 * @napi-rs/canvas in Node), so no second canvas package is needed. `scale` 1 is 72 dpi; OCR
 * wants about 3.
 */
export async function renderPageForOcr(
  doc: PDFDocumentProxy,
  pageNumber: number,
  scale: number,
): Promise<Uint8Array> {
  const page = await doc.getPage(pageNumber);
  const viewport = page.getViewport({ scale });
  const factory = (doc as unknown as { canvasFactory: CanvasFactory }).canvasFactory;
  const width = Math.ceil(viewport.width);
  const height = Math.ceil(viewport.height);
  const entry = factory.create(width, height);
  try {
    const params = { canvas: entry.canvas, canvasContext: entry.context, viewport };
    await page.render(params as unknown as Parameters<typeof page.render>[0]).promise;
    return grayPgm(entry.context.getImageData(0, 0, width, height).data, width, height);
  } finally {
    factory.destroy(entry);
    page.cleanup();
  }
}
