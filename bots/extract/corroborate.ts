import { Decimal } from 'decimal.js';
import type { Hit, PagedLine } from './label-search.ts';

/** Confidence added to each of net, tax and gross when net + tax = gross to the cent. */
const TOTALS_AGREE_BONUS = 0.15;
const MAX_CONFIDENCE = 0.95;
const TOTAL_WITH_CODE =
  /^(?:total|totaal|totale|gesamt\w*|summe|montant|importe)\b.*\b([A-Z]{3})\b/i;

function decimal(text: string | undefined): Decimal | undefined {
  try {
    return text === undefined ? undefined : new Decimal(text);
  } catch {
    return undefined;
  }
}

function raise(hit: Hit | undefined, by: number): void {
  if (hit) hit.confidence = Math.min(MAX_CONFIDENCE, hit.confidence + by);
}

/**
 * Raises confidences where two independent readings agree: the three totals that add up, a
 * currency code printed on a total's own line, the same total under a second label.
 */
export function corroborate(
  hits: Record<string, Hit | undefined>,
  lines: PagedLine[],
  isoCodes: Set<string>,
): void {
  const net = decimal(hits['net_total']?.value);
  const tax = decimal(hits['tax_total']?.value);
  const gross = decimal(hits['gross_total']?.value);
  if (net && tax && gross && net.plus(tax).equals(gross)) {
    for (const name of ['net_total', 'tax_total', 'gross_total']) {
      raise(hits[name], TOTALS_AGREE_BONUS);
    }
  }
  const currency = hits['currency'];
  if (currency && currency.confidence < 0.85) {
    const onTotal = lines.some((l) =>
      l.cells.some((cell) => {
        const code = TOTAL_WITH_CODE.exec(cell)?.[1]?.toUpperCase();
        return code === currency.value && isoCodes.has(code);
      }),
    );
    if (onTotal) currency.confidence = 0.85;
  }
}
