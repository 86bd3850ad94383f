/**
 * Whether a page's text layer is worth reading. A PDF whose fonts lack a ToUnicode map, or
 * map glyphs to private-use code points, yields text that pdfjs extracts without complaint
 * but that no label will ever match; such a page is better read by OCR.
 */
export interface TextQuality {
  isGarbled: boolean;
  /** Why the text was judged garbled, for the warning. */
  reason?: string;
}

/** Below this many visible characters a page is judged empty, not garbled. */
const MIN_CHARS = 20;

// Private-use glyph codes, the replacement character, and C0 controls other than whitespace
// (built from code points so that the source holds no control characters).
const PRIVATE_OR_BROKEN = new RegExp(
  `[\\uE000-\\uF8FF\\uFFFD${String.fromCharCode(0)}-${String.fromCharCode(8)}${String.fromCharCode(14)}-${String.fromCharCode(31)}]`,
  'g',
);
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/gu;
// A word a reader would recognise: letters with at least one vowel, or a number.
const WORDISH =
  /^(?:[\p{L}'’-]*[aeiouyäöüàâéèêëîïôûùáíóúæøå][\p{L}'’-]*|[\d.,:/%€$£-]+)[.,;:)]*$/iu;

function share(text: string, pattern: RegExp, total: number): number {
  return (text.match(pattern)?.length ?? 0) / total;
}

export function judgeTextQuality(text: string): TextQuality {
  const visible = text.replace(/\s/g, '');
  if (visible.length < MIN_CHARS) return { isGarbled: false };
  const broken = share(visible, PRIVATE_OR_BROKEN, visible.length);
  if (broken > 0.2) {
    return {
      isGarbled: true,
      reason: `${Math.round(broken * 100)} % private-use or control characters`,
    };
  }
  const letters = share(visible, LETTER_OR_DIGIT, visible.length);
  if (letters < 0.5) {
    return { isGarbled: true, reason: `only ${Math.round(letters * 100)} % letters and digits` };
  }
  const tokens = text.split(/\s+/).filter((t) => t.length >= 2);
  const words = tokens.filter((t) => WORDISH.test(t)).length;
  if (tokens.length >= 8 && words / tokens.length < 0.4) {
    return { isGarbled: true, reason: `only ${words} of ${tokens.length} tokens look like words` };
  }
  return { isGarbled: false };
}
