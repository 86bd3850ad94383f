import { ibanLength } from '../bots/extract/field-values.ts';

/**
 * How the CLI shows an IBAN to people: the country code and the last four characters, the rest
 * starred, in groups of four as IBANs are printed (`DE** **** **** **** **30 00`). Enough to
 * tell two accounts apart, not enough to pay into one. `--json` output keeps IBANs whole.
 */
export function maskIban(iban: string, space = ' '): string {
  const compact = iban.replace(/\s+/g, '').toUpperCase();
  if (compact.length <= 6) return compact;
  const hidden = '*'.repeat(compact.length - 6);
  return `${compact.slice(0, 2)}${hidden}${compact.slice(-4)}`.replace(
    /(.{4})(?=.)/g,
    `$1${space}`,
  );
}

// Unspaced, as the checks write them into their reasons, with a country that issues IBANs.
const IBAN_IN_TEXT = /\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b/g;

/**
 * `text` with every IBAN in it masked, e.g. the reason of an IBAN_MISMATCH hold; `space`
 * between the groups (a no-break space keeps a masked IBAN on one line of a web page).
 */
export function maskIbansIn(text: string, space = ' '): string {
  return text.replace(IBAN_IN_TEXT, (found) =>
    ibanLength(found) ? maskIban(found, space) : found,
  );
}
