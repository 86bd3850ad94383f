/**
 * Parsers for values as printed on invoices: dates in the six label languages, amounts with
 * decimal commas, thousands separators and currency symbols, ISO currency codes.
 */

const MONTHS: Record<string, number> = {};
const MONTH_NAMES = [
  'jan january januar janvier janv enero ene gennaio genn gen januari jän jänner',
  'feb february februar février févr fevrier febrero febbraio februari',
  'mar march märz maerz mars marzo maart mrz',
  'apr april avril abril aprile',
  'may mai mayo maggio mag mei',
  'jun june juni juin junio giugno giu',
  'jul july juli juillet juil julio luglio lug',
  'aug august août aout agosto ago augustus',
  'sep sept september septembre septiembre settembre set',
  'oct october oktober octobre octubre ottobre ott okt',
  'nov november novembre noviembre',
  'dec december dezember décembre decembre diciembre dicembre dic dez',
];
MONTH_NAMES.forEach((names, i) => {
  for (const name of names.split(' ')) MONTHS[name] = i + 1;
});

/** Which way round numeric dates with two small parts are read, from the document's other dates. */
export type DateOrder = 'dmy' | 'mdy';

function isoDate(year: number, month: number, day: number): string | undefined {
  const y = year < 100 ? 2000 + year : year;
  if (month < 1 || month > 12 || day < 1 || day > 31 || y < 1990 || y > 2099) return undefined;
  return `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const NUMERIC_DATE = /(?<!\d)(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?![\d])/;
const ISO_DATE = /(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)/;
const NAMED_DATE_DMY =
  /(?<!\d)(\d{1,2})(?:\.|er|st|nd|rd|th)?\s*([A-Za-zÀ-ÿ]{3,10})\.?\s*,?\s*(\d{4}|\d{2})(?!\d)/;
const NAMED_DATE_MDY = /\b([A-Za-zÀ-ÿ]{3,10})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(\d{4})(?!\d)/;

/** The first date in the text, as YYYY-MM-DD. */
export function parseDate(text: string, order: DateOrder = 'dmy'): string | undefined {
  const iso = ISO_DATE.exec(text);
  const numeric = NUMERIC_DATE.exec(text);
  const named = NAMED_DATE_DMY.exec(text);
  const namedUs = NAMED_DATE_MDY.exec(text);
  const candidates: Array<{ at: number; value: string | undefined }> = [];
  if (iso) candidates.push({ at: iso.index, value: isoDate(+iso[1]!, +iso[2]!, +iso[3]!) });
  if (numeric) candidates.push({ at: numeric.index, value: numericDate(numeric, order) });
  if (named) {
    const month = MONTHS[named[2]!.toLowerCase()];
    if (month) candidates.push({ at: named.index, value: isoDate(+named[3]!, month, +named[1]!) });
  }
  if (namedUs) {
    const month = MONTHS[namedUs[1]!.toLowerCase()];
    if (month) {
      candidates.push({ at: namedUs.index, value: isoDate(+namedUs[3]!, month, +namedUs[2]!) });
    }
  }
  const valid = candidates.filter((c) => c.value !== undefined).sort((a, b) => a.at - b.at);
  return valid[0]?.value;
}

function numericDate(m: RegExpExecArray, order: DateOrder): string | undefined {
  const a = +m[1]!;
  const b = +m[2]!;
  const year = +m[3]!;
  if (a > 12) return isoDate(year, b, a);
  if (b > 12) return isoDate(year, a, b);
  return order === 'mdy' ? isoDate(year, a, b) : isoDate(year, b, a);
}

/**
 * US order when some slash date can only be month/day/year and none only day/month/year
 * (e.g. "11/17/2017" beside "11/03/2017"); day first otherwise, as in most of the world.
 */
export function inferDateOrder(text: string): DateOrder {
  let dayFirst = 0;
  let monthFirst = 0;
  for (const m of text.matchAll(/(?<!\d)(\d{1,2})\/(\d{1,2})\/(\d{4}|\d{2})(?!\d)/g)) {
    if (+m[1]! > 12 && +m[2]! <= 12) dayFirst++;
    if (+m[2]! > 12 && +m[1]! <= 12) monthFirst++;
  }
  return monthFirst > 0 && dayFirst === 0 ? 'mdy' : 'dmy';
}

const AMOUNT =
  /(?<![\d.,])-?\s?(?:\d{1,3}(?:[.,'’ ]\d{3})+(?:[.,]\d{1,4})?|\d+(?:[.,]\d{1,4})?)(?![\d%])(?!\s?%)/g;

/** Every amount in the text with its raw form, left to right; percentages skipped. */
function amountMatches(text: string): Array<{ raw: string; value: string }> {
  const out: Array<{ raw: string; value: string }> = [];
  const cleaned = text.replace(/(\d)\s+(?=[.,]\d)/g, '$1');
  for (const m of cleaned.matchAll(AMOUNT)) {
    const value = normaliseAmount(m[0]);
    if (value !== undefined) out.push({ raw: m[0], value });
  }
  return out;
}

/** Every amount in the text, normalised to "1234.50", left to right. */
export function parseAmounts(text: string): string[] {
  return amountMatches(text).map((m) => m.value);
}

/** "1.234,56" / "1,234.56" / "1 234,56" / "-8,79" -> "1234.56" etc. */
export function normaliseAmount(raw: string): string | undefined {
  let text = raw.replace(/\s/g, '');
  const negative = text.startsWith('-');
  text = text.replace(/^-/, '');
  const lastSep = Math.max(text.lastIndexOf('.'), text.lastIndexOf(','));
  let intPart = text;
  let fraction = '';
  // A last separator followed by 1, 2 or 4 digits is the decimal point; one followed by
  // exactly three digits is a thousands separator ("1.000" = one thousand).
  if (lastSep >= 0 && text.length - lastSep - 1 !== 3) {
    intPart = text.slice(0, lastSep);
    fraction = text.slice(lastSep + 1);
  }
  intPart = intPart.replace(/[.,'’]/g, '');
  if (!/^\d+$/.test(intPart) || !/^\d*$/.test(fraction)) return undefined;
  const digits = fraction.length === 0 ? '00' : fraction.length === 1 ? `${fraction}0` : fraction;
  const value = `${String(BigInt(intPart))}.${digits}`;
  return negative ? `-${value}` : value;
}

/**
 * Amounts that look like money: printed with decimals, since a bare "3" or "2014" in a total's
 * line is a day or a year. Whole numbers count only when the text has no decimal amount.
 */
export function moneyAmounts(text: string): string[] {
  const all = amountMatches(text.replace(/\b(19|20)\d{2}\b(?![.,]\d)/g, ' '));
  const decimals = all.filter((m) => /[.,]\d{2,4}$/.test(m.raw.trim()));
  return (decimals.length > 0 ? decimals : all).map((m) => m.value);
}

export const CURRENCY_SYMBOLS: Array<[RegExp, string]> = [
  [/€|\bEUR\b|\beuros?\b/gi, 'EUR'],
  [/\$|\bUSD\b|US Dollars?/gi, 'USD'],
  [/£|\bGBP\b/g, 'GBP'],
  [/₹|\bINR\b|\bRs\.?(?=\s?[-\d])/g, 'INR'],
  [/\bCHF\b|\bFr\.(?=\s?\d)/g, 'CHF'],
  [/\bRM(?=\s?\d)|\bMYR\b/g, 'MYR'],
  [/\bSEK\b/g, 'SEK'],
  [/\bDKK\b/g, 'DKK'],
  [/\bNOK\b/g, 'NOK'],
  [/\bPLN\b|zł/g, 'PLN'],
  [/\bCZK\b|Kč/g, 'CZK'],
  [/¥|\bJPY\b/g, 'JPY'],
];

export const ISO_CURRENCIES = new Set(CURRENCY_SYMBOLS.map(([, code]) => code));
