import type { LabelSet } from './text-labels.ts';

/** A text line of a page, as the field search sees it. */
export interface PagedLine {
  page: number;
  text: string;
  cells: string[];
  cellX: number[];
}

export interface Hit {
  value: string;
  confidence: number;
  page: number;
}

export type ValueParser = (text: string) => string | undefined;

// Currency words and tax suffixes may sit in their own cell between a label and its amount.
const FILLER = /\b(?:eur|euro|euros|usd|gbp|chf|inr|ttc|ht|netto|brutto|in)\b/gi;

/** Start offsets of each cell inside `line.text` (cells are joined by two spaces). */
function cellStarts(line: PagedLine): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const cell of line.cells) {
    starts.push(at);
    at += cell.length + 2;
  }
  return starts;
}

/** The label's own remainder plus following cells up to the next cell that holds words. */
function valueText(rest: string): string {
  const [first = '', ...others] = rest.split('  ');
  const kept = [first];
  for (const cell of others) {
    if (/[A-Za-zÀ-ÿ]{3,}/.test(cell.replace(FILLER, ''))) break;
    kept.push(cell);
  }
  return kept.join('  ');
}

/**
 * A value printed under its header: the cell closest to `x` on one of the next three lines
 * of the same page whose text parses (forms interleave other text between the two).
 */
function valueBelow(
  lines: PagedLine[],
  index: number,
  x: number,
  parse: ValueParser,
): string | undefined {
  for (const below of lines.slice(index + 1, index + 4)) {
    if (below.page !== lines[index]?.page) return undefined;
    let best: string | undefined;
    let bestDistance = 60;
    below.cells.forEach((cell, i) => {
      const distance = Math.abs((below.cellX[i] ?? 0) - x);
      if (distance <= bestDistance) {
        best = cell;
        bestDistance = distance;
      }
    });
    const value = best === undefined ? undefined : parse(best);
    if (value !== undefined) return value;
  }
  return undefined;
}

function matchInLine(
  lines: PagedLine[],
  index: number,
  label: RegExp,
  parse: ValueParser,
  mayLookBelow: boolean,
): string | undefined {
  const line = lines[index]!;
  const anchored = new RegExp(`^(?:${label.source})`, 'i');
  const starts = cellStarts(line);
  for (let c = 0; c < starts.length; c++) {
    const m = anchored.exec(line.text.slice(starts[c]));
    if (!m) continue;
    const raw = line.text.slice((starts[c] ?? 0) + m[0].length);
    const sameLine = parse(valueText(raw.replace(/^[\s:*#]+/, '')));
    if (sameLine !== undefined) return sameLine;
    const ownCell = (raw.split('  ')[0] ?? '').replace(/^[\s:*#]+/, '');
    if (!mayLookBelow || /[A-Za-z0-9]/.test(ownCell)) continue;
    const value = valueBelow(lines, index, line.cellX[c] ?? 0, parse);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * Finds the first label of `set` (in priority order) whose value parses. `fromEnd` searches
 * the document bottom-up, for totals whose labels also head tables further up.
 */
export function findLabelled(
  lines: PagedLine[],
  set: LabelSet,
  parse: ValueParser,
  fromEnd = false,
): Hit | undefined {
  const order = lines.map((_, i) => i);
  if (fromEnd) order.reverse();
  for (const [rank, label] of set.labels.entries()) {
    for (const i of order) {
      const mayLookBelow = rank < (set.lookBelowRanks ?? set.labels.length);
      const value = matchInLine(lines, i, label, parse, mayLookBelow);
      if (value !== undefined) {
        return { value, confidence: set.confidence - rank * 0.03, page: lines[i]!.page };
      }
    }
  }
  return undefined;
}
