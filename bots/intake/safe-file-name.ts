import { extensionOf, type IntakeMediaType } from './media-type.ts';

const MAX_NAME_BYTES = 200;

/**
 * Turns a name a sender chose into one that is safe to store and show: the last path part only
 * (`../../etc/passwd.pdf` becomes `passwd.pdf`), no control or bidi-override characters, no
 * characters Windows forbids, no leading dots, at most 200 UTF-8 bytes with the extension kept.
 * A name left empty becomes `attachment-<n>.<ext>`; a name without an extension gets one.
 *
 * @param index position of the file in its mail, used for the fallback name
 */
export function safeFileName(
  name: string | undefined,
  mediaType: IntakeMediaType,
  index: number,
): string {
  const ext = extensionOf(mediaType);
  const last = (name ?? '').normalize('NFC').split(/[/\\]/).pop() ?? '';
  const cleaned = [...last]
    .filter((char) => !isInvisible(char.codePointAt(0) ?? 0))
    .join('')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim();
  if (!cleaned) return `attachment-${index + 1}.${ext}`;
  const withExt = /\.[A-Za-z0-9]{1,5}$/.test(cleaned) ? cleaned : `${cleaned}.${ext}`;
  return truncateUtf8(withExt, MAX_NAME_BYTES);
}

/** C0 and C1 controls, and the marks that reorder text (U+202E makes `invoice<RLO>fdp.exe` look like a PDF). */
function isInvisible(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

function truncateUtf8(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot) : '';
  let stem = name.slice(0, name.length - ext.length);
  // Cut by code points so a multi-byte character is never split in half.
  while (Buffer.byteLength(stem + ext) > maxBytes) stem = [...stem].slice(0, -1).join('');
  return stem + ext;
}
