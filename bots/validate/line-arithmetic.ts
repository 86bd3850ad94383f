import { Decimal } from 'decimal.js';
import type { LineItem } from '../../runner/invoice.ts';
import { formatMoney, isDecimalString } from '../../runner/money.ts';
import {
  type CheckResult,
  describeInvoice,
  hold,
  pass,
  type ValidationInput,
} from './check-result.ts';
import { capitalise } from './required-fields.ts';

/** Read exactly from an e-invoice, whose own rules already tie the lines to the totals. */
const STRUCTURED = new Set(['ubl', 'cii', 'facturx']);

/** Sum of the line totals, or null when a line has none (the sum would mean nothing). */
export function sumLines(lines: readonly LineItem[]): Decimal | null {
  let sum = new Decimal(0);
  for (const line of lines) {
    if (!line.line_total || !isDecimalString(line.line_total)) return null;
    sum = sum.plus(line.line_total);
  }
  return sum;
}

/**
 * True when the lines add up to the net total, or to the gross total for layouts that print
 * VAT-inclusive line prices. Each line may be rounded, so the tolerance grows with the count.
 */
export function linesAddUp(
  lines: readonly LineItem[],
  net: string,
  gross: string | undefined,
  tolerance: string,
): boolean {
  const sum = sumLines(lines);
  if (!sum) return false;
  const allowed = new Decimal(tolerance).times(Math.max(1, lines.length));
  if (sum.minus(net).abs().lte(allowed)) return true;
  return gross !== undefined && sum.minus(gross).abs().lte(allowed);
}

/**
 * V5: LINES_MISMATCH when the line totals of a PDF or scan do not add up to its net (or gross)
 * total, which usually means a line was misread or missed. E-invoices are not compared: their
 * document-level allowances and charges sit between lines and net and are not extracted.
 */
export function checkLineItems(input: ValidationInput): CheckResult {
  const { fields, method } = input.extraction;
  const lines = fields.line_items?.value ?? [];
  const net = fields.net_total?.value;
  const gross = fields.gross_total?.value;
  const name = capitalise(describeInvoice(input));
  const sum = sumLines(lines);
  if (lines.length === 0 || !sum || !net || !isDecimalString(net)) {
    return pass('line-items', `${name} has no complete line totals to add up.`, {
      lineCount: lines.length,
    });
  }
  const evidence = {
    method,
    lineCount: lines.length,
    linesSum: formatMoney(sum),
    net,
    gross,
    tolerance: input.settings.totalsTolerance,
  };
  if (STRUCTURED.has(method)) {
    return pass(
      'line-items',
      `${name} is a structured e-invoice; lines (${formatMoney(sum)}) are not compared to net ${net}.`,
      evidence,
    );
  }
  if (linesAddUp(lines, net, gross, input.settings.totalsTolerance)) {
    return pass(
      'line-items',
      `The ${lines.length} lines of ${describeInvoice(input)} add up to ${formatMoney(sum)}.`,
      evidence,
    );
  }
  return hold(
    'line-items',
    'LINES_MISMATCH',
    `${name}: the ${lines.length} lines add up to ${formatMoney(sum)}, not to net ${net}${gross ? ` or gross ${gross}` : ''}.`,
    evidence,
  );
}

/**
 * V5: TAX_RATE_NOT_ALLOWED when tax / net lies outside the allowed rates. Mixed-rate invoices
 * give a blended rate, so any rate between the lowest and highest allowed one passes; the bounds
 * are widened by the totals tolerance for rounding.
 */
export function checkTaxRate(input: ValidationInput): CheckResult | null {
  const rates = input.settings.allowedTaxRatesPercent;
  const { net_total: net, tax_total: tax } = input.extraction.fields;
  if (!rates?.length || !net?.value || !tax?.value) return null;
  if (!isDecimalString(net.value) || !isDecimalString(tax.value) || new Decimal(net.value).isZero())
    return null;
  const base = new Decimal(net.value).abs();
  const taxAmount = new Decimal(tax.value).abs();
  const low = Decimal.min(...rates)
    .times(base)
    .div(100)
    .minus(input.settings.totalsTolerance);
  const high = Decimal.max(...rates)
    .times(base)
    .div(100)
    .plus(input.settings.totalsTolerance);
  const ratePercent = taxAmount.div(base).times(100).toDecimalPlaces(2).toString();
  const evidence = { net: net.value, tax: tax.value, ratePercent, allowedTaxRatesPercent: rates };
  if (taxAmount.gte(low) && taxAmount.lte(high)) {
    return pass(
      'tax-rate',
      `Tax ${tax.value} on net ${net.value} of ${describeInvoice(input)} is ${ratePercent}%, within the allowed rates.`,
      evidence,
    );
  }
  return hold(
    'tax-rate',
    'TAX_RATE_NOT_ALLOWED',
    `${capitalise(describeInvoice(input))}: tax ${tax.value} on net ${net.value} is ${ratePercent}%, outside the allowed rates ${rates.join(', ')}%.`,
    evidence,
  );
}
