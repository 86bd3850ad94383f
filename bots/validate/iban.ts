/** `DE89 3704 0044 0532 0130 00` -> `DE89370400440532013000`. */
export function normalizeIban(iban: string): string {
  return iban.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/**
 * ISO 13616 check: country code, two check digits, up to 30 alphanumerics, and the whole
 * number mod 97 equal to 1 once the first four characters are moved to the end. Catches every
 * single-character typo and almost every swap, which is what a misread or retyped IBAN shows.
 */
export function isValidIban(iban: string): boolean {
  const value = normalizeIban(iban);
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(value)) return false;
  return ibanRemainder(value) === 1;
}

/** The mod-97 remainder, computed digit by digit because the number has up to 70 digits. */
function ibanRemainder(value: string): number {
  const rearranged = value.slice(4) + value.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const digits = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}
