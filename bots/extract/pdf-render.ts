import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

interface NodeCanvas {
  toBuffer(mime: 'image/png'): Uint8Array;
}

interface CanvasFactory {
  create(width: number, height: number): { canvas: NodeCanvas; context: unknown };
  destroy(entry: { canvas: NodeCanvas; context: unknown }): void;
}

/**
 * Renders one page to PNG with pdfjs's own canvas factory (backed by @napi-rs/canvas in
 * Node), so no second canvas package is needed. `scale` 1 is 72 dpi; OCR wants about 3.
 */
export async function renderPagePng(
  doc: PDFDocumentProxy,
  pageNumber: number,
  scale: number,
): Promise<Uint8Array> {
  const page = await doc.getPage(pageNumber);
  const viewport = page.getViewport({ scale });
  const factory = (doc as unknown as { canvasFactory: CanvasFactory }).canvasFactory;
  const entry = factory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
  try {
    const params = { canvas: entry.canvas, canvasContext: entry.context, viewport };
    await page.render(params as unknown as Parameters<typeof page.render>[0]).promise;
    return entry.canvas.toBuffer('image/png');
  } finally {
    factory.destroy(entry);
    page.cleanup();
  }
}
