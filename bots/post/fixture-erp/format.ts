import type { SelectorMap } from '../../../runner/selectors.ts';

type Formats = SelectorMap['formats'];

/** An ISO date (YYYY-MM-DD) as the release wants it typed. */
export function formatDate(iso: string, formats: Formats): string {
  const [y, m, d] = iso.split('-');
  if (formats.date === 'DD.MM.YYYY') return `${d}.${m}.${y}`;
  if (formats.date === 'MM/DD/YYYY') return `${m}/${d}/${y}`;
  return iso;
}

/** A decimal string ("1234.50") with the release's decimal separator; no grouping. */
export function formatAmount(amount: string, formats: Formats): string {
  return formats.decimalSeparator === ',' ? amount.replace('.', ',') : amount;
}

/** Vendor names and invoice numbers compare without case and spacing, as the ERP's key does. */
export function sameKey(a: string, b: string): boolean {
  const squash = (s: string) => s.toLowerCase().replace(/\s+/g, '');
  return squash(a) === squash(b);
}
