import { Decimal } from 'decimal.js';
import type { FieldSource, HeaderField, InvoiceFields, LineItem } from '../../runner/invoice.ts';
import { formatMoney } from '../../runner/money.ts';

/** Plain header values and lines, before confidences are attached. */
export type PlainFields = { [K in HeaderField]?: string | undefined } & { line_items?: LineItem[] };

/** Money as the corpus writes it: "1234.50"; unit prices keep extra precision. */
export function money(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    return formatMoney(text.trim());
  } catch {
    return undefined;
  }
}

/** Quantities as minimal decimal strings: "20.000" -> "20". */
export function quantity(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    return new Decimal(text.trim()).toFixed();
  } catch {
    return undefined;
  }
}

export function compact(text: string | undefined): string | undefined {
  const out = text?.replace(/\s+/g, '');
  return out ? out : undefined;
}

/** Country code, two check digits, 11-30 alphanumerics: the shape of every IBAN. */
export function isIbanShaped(text: string): boolean {
  return /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(text);
}

/** IBAN length by country (the ISO 13616 registry), as country code and length. */
const IBAN_LENGTHS = new Map(
  (
    'AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 ' +
    'DJ27 DK18 DO28 EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 ' +
    'HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 ' +
    'MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 QA29 RO24 RS22 ' +
    'RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 ' +
    'XK20 YE30'
  )
    .split(' ')
    .map((entry) => [entry.slice(0, 2), Number(entry.slice(2))] as const),
);

/** The registered IBAN length of the country an IBAN starts with, if it has one. */
export function ibanLength(iban: string): number | undefined {
  return IBAN_LENGTHS.get(iban.slice(0, 2));
}

/** Uppercased, spaces removed, and only when it passes the ISO 13616 mod-97 check. */
export function validIban(text: string | undefined): string | undefined {
  const iban = compact(text)?.toUpperCase();
  if (!iban || !isIbanShaped(iban)) return undefined;
  const digits = (iban.slice(4) + iban.slice(0, 4)).replace(/[A-Z]/g, (c) =>
    String(c.charCodeAt(0) - 55),
  );
  let rest = 0;
  for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  return rest === 1 ? iban : undefined;
}

/** CII format 102 "20180305" (and plain ISO dates) to "2018-03-05". */
export function compactDate(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const t = text.trim();
  const m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(t);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/** Attaches one confidence and source to every present value. */
export function withConfidence(
  plain: PlainFields,
  source: FieldSource,
  confidence: number,
): InvoiceFields {
  const fields: InvoiceFields = {};
  const target = fields as Record<string, unknown>;
  for (const [name, value] of Object.entries(plain)) {
    if (value === undefined) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    target[name] = { value, confidence, source };
  }
  return fields;
}
