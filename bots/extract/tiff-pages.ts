import { BusinessError } from '../../runner/errors.ts';

/** Refuse absurd page counts: a loop in the IFD chain would otherwise never end. */
const MAX_PAGES = 500;

/**
 * Splits a multi-page (classic, not Big) TIFF into one TIFF per page. tesseract.js reads only
 * the first image of a TIFF, so each page is made the first: a copy of the file whose header
 * points at that page's directory, with the directory's next-page link cut. Every other
 * offset in the file stays valid, so no image data is decoded or moved.
 * @throws BusinessError FILE_UNREADABLE when the directory chain is broken
 */
export function splitTiffPages(bytes: Uint8Array, fileName: string): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = bytes[0] === 0x49;
  const pages: Uint8Array[] = [];
  let ifd = view.getUint32(4, little);
  while (ifd !== 0) {
    if (ifd + 2 > bytes.length || pages.length >= MAX_PAGES) throw broken(fileName);
    const count = view.getUint16(ifd, little);
    const nextAt = ifd + 2 + count * 12;
    if (nextAt + 4 > bytes.length) throw broken(fileName);
    const page = new Uint8Array(bytes);
    const pageView = new DataView(page.buffer);
    pageView.setUint32(4, ifd, little);
    pageView.setUint32(nextAt, 0, little);
    pages.push(page);
    ifd = view.getUint32(nextAt, little);
  }
  if (pages.length === 0) throw broken(fileName);
  return pages;
}

function broken(fileName: string): BusinessError {
  return new BusinessError('FILE_UNREADABLE', `${fileName}: the TIFF's page directory is broken`, {
    details: { file: fileName },
  });
}
