/**
 * Wraps one JPEG in a one-page PDF (DCTDecode image, page sized to the image at 72 dpi): a
 * scanned-invoice PDF with no text layer. Tests and the benchmark use it for the OCR path of
 * image-only PDFs, since the corpus holds scans only as JPEG.
 */
export function jpegToPdf(jpeg: Uint8Array): Uint8Array {
  const { width, height } = jpegSize(jpeg);
  const content = `q ${width} 0 0 ${height} 0 0 cm /Im0 Do Q`;
  const objects: Array<string | Uint8Array[]> = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${width} ${height}] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>`,
    [
      ascii(
        `<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${jpeg.length} >>\nstream\n`,
      ),
      jpeg,
      ascii('\nendstream'),
    ],
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  const parts: Uint8Array[] = [ascii('%PDF-1.4\n')];
  const offsets: number[] = [];
  let size = parts[0]!.length;
  objects.forEach((body, i) => {
    offsets.push(size);
    const chunk = [
      ascii(`${i + 1} 0 obj\n`),
      ...(typeof body === 'string' ? [ascii(body)] : body),
      ascii('\nendobj\n'),
    ];
    for (const c of chunk) size += c.length;
    parts.push(...chunk);
  });
  const xref = offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  parts.push(
    ascii(`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${xref}`),
    ascii(`trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${size}\n%%EOF\n`),
  );
  return Buffer.concat(parts);
}

function ascii(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}

/** Width and height from the first start-of-frame marker (SOF0-SOF15 except DHT/JPG/DAC). */
function jpegSize(jpeg: Uint8Array): { width: number; height: number } {
  let at = 2;
  while (at + 9 < jpeg.length) {
    const marker = jpeg[at + 1]!;
    const length = (jpeg[at + 2]! << 8) | jpeg[at + 3]!;
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return {
        height: (jpeg[at + 5]! << 8) | jpeg[at + 6]!,
        width: (jpeg[at + 7]! << 8) | jpeg[at + 8]!,
      };
    }
    at += 2 + length;
  }
  throw new Error('not a JPEG with a frame header');
}
