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
 * Returns the image upscaled to about `MIN_OCR_WIDTH_PX` wide when it is narrower, as PNG;
 * the input unchanged otherwise, for TIFF, or when the canvas cannot decode it.
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
  return canvas.toBuffer('image/png');
}
