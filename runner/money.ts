import { Decimal } from 'decimal.js';

/**
 * Money is a decimal string in storage and a Decimal in code, never a float: 0.1 + 0.2 must be
 * 0.3 on an invoice. These helpers are the only place amounts are parsed or compared.
 */
export function toDecimal(amount: string): Decimal {
  return new Decimal(amount);
}

export function isDecimalString(text: string): boolean {
  return /^-?\d+(\.\d+)?$/.test(text);
}

/** Two decimals at least, as the corpus writes money: "1234.5" -> "1234.50". */
export function formatMoney(amount: Decimal | string): string {
  const value = typeof amount === 'string' ? new Decimal(amount) : amount;
  return value.decimalPlaces() <= 2 ? value.toFixed(2) : value.toFixed();
}

export function moneyEquals(a: string, b: string, tolerance = '0'): boolean {
  return new Decimal(a).minus(b).abs().lte(tolerance);
}
