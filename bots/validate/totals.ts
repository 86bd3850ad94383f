import { Decimal } from 'decimal.js';
import { formatMoney, isDecimalString } from '../../runner/money.ts';
import {
  type CheckResult,
  describeInvoice,
  hold,
  pass,
  type ValidationInput,
} from './check-result.ts';
import { capitalise } from './required-fields.ts';

/**
 * True when gross equals net + tax within the tolerance (inclusive). The sign is kept: a
 * corrective invoice with negative amounts must add up the same way.
 */
export function totalsAddUp(net: string, tax: string, gross: string, tolerance: string): boolean {
  return new Decimal(net).plus(tax).minus(gross).abs().lte(tolerance);
}

/** V5: TOTALS_MISMATCH when gross is not net + tax within `settings.totalsTolerance`. */
export function checkTotals(input: ValidationInput): CheckResult {
  const fields = input.extraction.fields;
  const net = fields.net_total?.value;
  const tax = fields.tax_total?.value;
  const gross = fields.gross_total?.value;
  const tolerance = input.settings.totalsTolerance;
  if (!net || !tax || !gross) {
    return pass(
      'totals',
      `${capitalise(describeInvoice(input))} states no net and tax to compare.`,
      { net, tax, gross },
    );
  }
  const unreadable = [net, tax, gross].filter((v) => !isDecimalString(v));
  if (unreadable.length > 0) {
    return hold(
      'totals',
      'TOTALS_MISMATCH',
      `${capitalise(describeInvoice(input))} has totals that are not amounts: ${unreadable.join(', ')}.`,
      { net, tax, gross },
    );
  }
  const sum = new Decimal(net).plus(tax);
  const difference = sum.minus(gross);
  const evidence = {
    net,
    tax,
    gross,
    netPlusTax: formatMoney(sum),
    difference: formatMoney(difference),
    tolerance,
  };
  if (totalsAddUp(net, tax, gross, tolerance)) {
    return pass(
      'totals',
      `Gross ${gross} of ${describeInvoice(input)} is net ${net} + tax ${tax}.`,
      evidence,
    );
  }
  return hold(
    'totals',
    'TOTALS_MISMATCH',
    `${capitalise(describeInvoice(input))}: gross ${gross} is not net ${net} + tax ${tax} = ${formatMoney(sum)} (difference ${formatMoney(difference)}, tolerance ${tolerance}).`,
    evidence,
  );
}
