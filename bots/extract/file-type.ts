import { BusinessError } from '../../runner/errors.ts';

export type FileType = 'pdf' | 'xml' | 'png' | 'jpeg' | 'tiff';

/**
 * The file's type from its first bytes; the name and media type only break ties, because
 * mail attachments are often labelled `application/octet-stream` or named wrongly.
 */
export function detectFileType(bytes: Uint8Array, fileName: string, mediaType?: string): FileType {
  if (bytes.length === 0) {
    throw new BusinessError('FILE_UNREADABLE', `${fileName}: the file is empty`, {
      details: { file: fileName },
    });
  }
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  if (head.includes('%PDF-')) return 'pdf';
  if (bytes[0] === 0x89 && head.startsWith('\x89PNG')) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (head.startsWith('II*\x00') || head.startsWith('MM\x00*')) return 'tiff';
  if (/^(\xEF\xBB\xBF)?\s*<[?!a-zA-Z]/.test(head)) return 'xml';
  if (/\.pdf$/i.test(fileName) || mediaType === 'application/pdf') {
    throw new BusinessError('FILE_UNREADABLE', `${fileName}: not a readable PDF (no PDF header)`, {
      details: { file: fileName },
    });
  }
  throw new BusinessError(
    'UNSUPPORTED_FILE',
    `${fileName}: file type not supported (${mediaType ?? 'unknown'}); PDF, XML, PNG, JPEG and TIFF are`,
    { details: { file: fileName, mediaType } },
  );
}
