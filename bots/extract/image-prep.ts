import { createCanvas, loadImage } from '@napi-rs/canvas';

/**
 * Images narrower than this (pixels) are upscaled before OCR: tesseract's LSTM model reads
 * text best at 20-40 px capital height, and small receipt photos and 72-150 dpi scans fall
 * well short of it.
 */
export const MIN_OCR_WIDTH_PX = 1000;
/** Never upscale past this factor: beyond it blur, not size, limits recognition. */
const MAX_UPSCALE = 2.5;

/**
 * Returns the image upscaled to about `MIN_OCR_WIDTH_PX` wide when it is narrower, as a
 * grayscale PGM; the input unchanged otherwise, for TIFF, or when the canvas cannot decode it.
 */
export async function upscaleForOcr(image: Uint8Array): Promise<Uint8Array> {
  // @napi-rs/canvas crashes the process (SIGSEGV) on TIFF input, so only PNG and JPEG go in.
  const isPng = image[0] === 0x89 && image[1] === 0x50;
  const isJpeg = image[0] === 0xff && image[1] === 0xd8;
  if (!isPng && !isJpeg) return image;
  let decoded: Awaited<ReturnType<typeof loadImage>>;
  try {
    decoded = await loadImage(Buffer.from(image));
  } catch {
    return image;
  }
  if (decoded.width >= MIN_OCR_WIDTH_PX || decoded.width === 0) return image;
  const factor = Math.min(MAX_UPSCALE, MIN_OCR_WIDTH_PX / decoded.width);
  const width = Math.round(decoded.width * factor);
  const height = Math.round(decoded.height * factor);
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.imageSmoothingQuality = 'high';
  context.drawImage(decoded, 0, 0, width, height);
  return grayPgm(context.getImageData(0, 0, width, height).data, width, height);
}

/**
 * RGBA pixels as a binary PGM (P5), the cheapest format tesseract's image library reads.
 * Encoding a page as PNG costs several times the drawing itself, and tesseract turns every
 * image to gray before it reads it anyway, so nothing is lost.
 */
export function grayPgm(rgba: Uint8ClampedArray, width: number, height: number): Uint8Array {
  const header = Buffer.from(`P5\n${width} ${height}\n255\n`, 'latin1');
  const out = Buffer.allocUnsafe(header.length + width * height);
  header.copy(out);
  for (let i = 0, j = header.length; i < rgba.length; i += 4, j++) {
    // ITU-R 601 luma weights in integers (299 + 587 + 114 = 1000).
    out[j] = (rgba[i]! * 299 + rgba[i + 1]! * 587 + rgba[i + 2]! * 114) / 1000;
  }
  return out;
}
