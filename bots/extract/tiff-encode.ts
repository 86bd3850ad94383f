/**
 * A minimal baseline TIFF writer (uncompressed 8-bit grey, one IFD per page). Tests use it to
 * build multi-page TIFF inputs at run time; nothing in the product writes TIFF.
 */
export interface GreyPage {
  width: number;
  height: number;
  /** One byte per pixel, row by row, 0 = black. */
  pixels: Uint8Array;
}

const ENTRY_COUNT = 10;
const IFD_BYTES = 2 + ENTRY_COUNT * 12 + 4;

function writeEntry(view: DataView, at: number, tag: number, type: number, value: number): void {
  view.setUint16(at, tag, true);
  view.setUint16(at + 2, type, true);
  view.setUint32(at + 4, 1, true);
  if (type === 3) view.setUint16(at + 8, value, true);
  else view.setUint32(at + 8, value, true);
}

export function encodeTiff(pages: GreyPage[]): Uint8Array {
  const size = 8 + pages.reduce((n, p) => n + IFD_BYTES + p.pixels.length, 0);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes.set([0x49, 0x49, 42, 0]);
  let at = 8;
  view.setUint32(4, at, true);
  pages.forEach((page, i) => {
    const dataAt = at + IFD_BYTES;
    view.setUint16(at, ENTRY_COUNT, true);
    const entries: Array<[number, number, number]> = [
      [256, 4, page.width],
      [257, 4, page.height],
      [258, 3, 8],
      [259, 3, 1],
      [262, 3, 1],
      [273, 4, dataAt],
      [277, 3, 1],
      [278, 4, page.height],
      [279, 4, page.pixels.length],
      [284, 3, 1],
    ];
    entries.forEach(([tag, type, value], k) => {
      writeEntry(view, at + 2 + k * 12, tag, type, value);
    });
    const next = i === pages.length - 1 ? 0 : dataAt + page.pixels.length;
    view.setUint32(at + 2 + ENTRY_COUNT * 12, next, true);
    bytes.set(page.pixels, dataAt);
    at = dataAt + page.pixels.length;
  });
  return bytes;
}
