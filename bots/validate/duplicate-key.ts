/**
 * Keys that recognise the same invoice again. The exact key ({@link duplicateKey}) is what the
 * store indexes and the ERP posting uses as idempotency key, so it must never merge two different
 * invoice numbers; the fuzzy key ({@link fuzzyInvoiceKey}) is looser and only ever used together
 * with a second signal (same amount), because it does merge some different numbers.
 */

/** Legal forms dropped from seller names: "Acme GmbH" and "ACME" are one vendor. */
const LEGAL_FORMS = new Set([
  'ag',
  'bv',
  'co',
  'corp',
  'corporation',
  'gmbh',
  'inc',
  'kg',
  'limited',
  'llc',
  'ltd',
  'nv',
  'oy',
  'plc',
  'sa',
  'sarl',
  'sas',
  'sl',
  'spa',
  'srl',
  'ug',
  'ab',
  'as',
  'bhd',
  'sdn',
  'pvt',
]);

/** Tokens of a number: runs of letters or of digits; everything else separates. */
const TOKEN = /\p{L}+|\p{Nd}+/gu;

/** Characters OCR confuses with digits; only applied inside digit-bearing segments. */
const OCR_DIGITS: Record<string, string> = {
  O: '0',
  Q: '0',
  D: '0',
  I: '1',
  L: '1',
  S: '5',
  B: '8',
  Z: '2',
};

/**
 * The canonical form of an invoice number: case, separators and zero padding of each digit group
 * are ignored, while the order and grouping of the tokens are kept, so `RE-2023/0042`,
 * `re 2023 42` and `RE2023-042` are one number and `12-3` and `1-23` stay two.
 */
export function normalizeInvoiceNumber(n: string): string {
  const tokens = n.normalize('NFKC').toUpperCase().match(TOKEN) ?? [];
  return tokens.map(stripZeroPadding).join('-');
}

function stripZeroPadding(token: string): string {
  return /^\p{Nd}+$/u.test(token) ? token.replace(/^0+(?=\d)/, '') : token;
}

/** `DE 123 456 789` and `de123456789` are one VAT id. */
export function normalizeVatId(vatId: string): string {
  return vatId
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[^\p{L}\p{Nd}]/gu, '');
}

/** Lower case, no accents, no punctuation, no legal form: `Müller & Co. KG` -> `muller`. */
export function normalizeSellerName(name: string): string {
  const plain = name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  const words = plain.match(/[\p{L}\p{Nd}]+/gu) ?? [];
  const kept = words.filter((w) => !LEGAL_FORMS.has(w));
  return (kept.length > 0 ? kept : words).join(' ');
}

/** Who issued the invoice: the VAT id when read, else the normalised name; null when neither. */
export function sellerKey(fields: { seller_name?: string; seller_vat_id?: string }): string | null {
  const vat = fields.seller_vat_id ? normalizeVatId(fields.seller_vat_id) : '';
  if (vat) return `vat:${vat}`;
  const name = fields.seller_name ? normalizeSellerName(fields.seller_name) : '';
  return name ? `name:${name}` : null;
}

/**
 * Seller plus canonical invoice number, e.g. `vat:DE123456789|RE-2023-42`. The store keeps it per
 * case and finds earlier invoices by it; null when seller or number is missing.
 */
export function duplicateKey(fields: {
  seller_name?: string;
  seller_vat_id?: string;
  invoice_number?: string;
}): string | null {
  const seller = sellerKey(fields);
  const number = fields.invoice_number ? normalizeInvoiceNumber(fields.invoice_number) : '';
  return seller && number ? `${seller}|${number}` : null;
}

/**
 * A loose form of the number that survives a dropped prefix (`INV-42` / `42`), separators that
 * come and go, zero padding and OCR confusions (O/0, I/1, S/5, B/8). Empty when no digit is left.
 */
export function fuzzyInvoiceKey(n: string): string {
  const segments = n
    .normalize('NFKC')
    .toUpperCase()
    .split(/[^\p{L}\p{Nd}]+/u)
    .filter(Boolean);
  const first = segments.findIndex((s) => /\p{Nd}/u.test(s));
  if (first < 0) return '';
  const numbered = segments.slice(first);
  numbered[0] = numbered[0]!.replace(/^\p{L}+/u, '');
  return numbered.map((s) => stripZeroPadding(mapOcrDigits(s))).join('');
}

function mapOcrDigits(segment: string): string {
  if (!/\p{Nd}/u.test(segment)) return segment;
  return [...segment].map((c) => OCR_DIGITS[c] ?? c).join('');
}
