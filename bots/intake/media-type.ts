/** The file types that can carry an invoice and that the extract stage reads. */
export const INVOICE_MEDIA_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/tiff',
  'application/xml',
] as const;
export type InvoiceMediaType = (typeof INVOICE_MEDIA_TYPES)[number];

/**
 * Files that hold invoices rather than being one: a zip, or a vendor's invoice list. They are
 * kept as evidence and opened by the intake; what comes out of them is handed on.
 */
export const CONTAINER_MEDIA_TYPES = [
  'application/zip',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'text/csv',
] as const;
export type ContainerMediaType = (typeof CONTAINER_MEDIA_TYPES)[number];
export type IntakeMediaType = InvoiceMediaType | ContainerMediaType;

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const EXTENSIONS: Record<IntakeMediaType, string> = {
  'application/zip': 'zip',
  [XLSX_MEDIA_TYPE]: 'xlsx',
  'text/csv': 'csv',
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/tiff': 'tif',
  'application/xml': 'xml',
};

/**
 * Decides the media type from the bytes, because senders mislabel attachments (PDFs as
 * application/octet-stream, XML as text/plain). XML has no signature, so a leading `<` counts
 * only with an XML prolog or when the sender called it XML; this keeps HTML out.
 *
 * @param declared the Content-Type or file name extension the sender gave, if any
 * @returns the invoice media type, or undefined when the file is not one the product reads
 */
export function sniffInvoiceMediaType(
  bytes: Buffer,
  declared: { contentType?: string; fileName?: string } = {},
): InvoiceMediaType | undefined {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
    return 'image/tiff';
  }
  return looksLikeXml(bytes, declared) ? 'application/xml' : undefined;
}

/** The usual extension for a media type, without the dot. */
export function extensionOf(mediaType: IntakeMediaType): string {
  return EXTENSIONS[mediaType];
}

/**
 * Recognises a container. A zip and an XLSX share the signature; an XLSX names its workbook in
 * the central directory, which sits at the end of the file. CSV has no signature, so only the
 * sender's Content-Type or a `.csv` name make a text file one.
 */
export function sniffContainerMediaType(
  bytes: Buffer,
  declared: { contentType?: string; fileName?: string } = {},
): ContainerMediaType | undefined {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    const tail = bytes.subarray(Math.max(0, bytes.length - 65_536)).toString('latin1');
    return tail.includes('xl/workbook.xml') ? XLSX_MEDIA_TYPE : 'application/zip';
  }
  const saysCsv =
    /^(text\/csv|application\/csv|text\/comma-separated-values)/i.test(
      declared.contentType ?? '',
    ) || /\.csv$/i.test(declared.fileName ?? '');
  return saysCsv && !bytes.subarray(0, 1024).includes(0) ? 'text/csv' : undefined;
}

export function isContainerMediaType(mediaType: string): mediaType is ContainerMediaType {
  return (CONTAINER_MEDIA_TYPES as readonly string[]).includes(mediaType);
}

function looksLikeXml(bytes: Buffer, declared: { contentType?: string; fileName?: string }) {
  const head = bytes
    .subarray(0, 512)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (head.startsWith('<?xml')) return true;
  const saysXml =
    /[/+]xml\b/i.test(declared.contentType ?? '') || /\.xml$/i.test(declared.fileName ?? '');
  return saysXml && head.startsWith('<') && !/^<!doctype html|^<html/i.test(head);
}

function startsWith(bytes: Buffer, signature: number[]): boolean {
  return bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b);
}
