import iconv from 'iconv-lite';

/**
 * Decodes with the given charset (any name iconv-lite knows), or UTF-8 when the bytes are valid
 * UTF-8, else windows-1252, which is what spreadsheet programs on Windows still write. Not
 * TextDecoder: Node 20's decodes windows-1252 as ISO-8859-1, which turns the euro sign (0x80)
 * into a control character.
 */
export function decodeText(bytes: Buffer, charset?: string): string {
  if (charset) return iconv.decode(bytes, charset);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return iconv.decode(bytes, 'windows-1252');
  }
}
