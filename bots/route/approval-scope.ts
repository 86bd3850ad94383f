import { Decimal } from 'decimal.js';
import type { ApprovalRule } from '../../config/policy-schema.ts';

/** What a case offers to the approval rules' filters. */
export interface CaseScope {
  entity?: string;
  costCentre?: string;
  vendorClass?: string;
  documentKind?: string;
}

const DIMENSIONS = [
  ['entities', 'entity'],
  ['costCentres', 'costCentre'],
  ['vendorClasses', 'vendorClass'],
  ['documentKinds', 'documentKind'],
] as const;

/** True when the rule has no filter at all: it may serve as a catch-all band. */
export function isUnfiltered(rule: ApprovalRule): boolean {
  return DIMENSIONS.every(([key]) => rule[key] === undefined);
}

/** The absolute gross lies in [minGross, maxGross). */
export function coversAmount(rule: ApprovalRule, amount: Decimal): boolean {
  return amount.gte(rule.minGross) && (rule.maxGross === undefined || amount.lt(rule.maxGross));
}

/** Every filter of the rule accepts the case; a filter on a value the case lacks rejects it. */
export function matchesScope(rule: ApprovalRule, scope: CaseScope): boolean {
  return DIMENSIONS.every(([key, field]) => {
    const allowed = rule[key] as readonly string[] | undefined;
    if (!allowed) return true;
    const value = scope[field];
    return value !== undefined && allowed.includes(value);
  });
}

/** Some case could match both rules' filters. */
export function scopesIntersect(a: ApprovalRule, b: ApprovalRule): boolean {
  return DIMENSIONS.every(([key]) => {
    const left = a[key] as readonly string[] | undefined;
    const right = b[key] as readonly string[] | undefined;
    return !left || !right || left.some((v) => right.includes(v));
  });
}

/** Every case matching `a`'s filters also matches `b`'s. */
export function isWithinScope(a: ApprovalRule, b: ApprovalRule): boolean {
  return DIMENSIONS.every(([key]) => {
    const inner = a[key] as readonly string[] | undefined;
    const outer = b[key] as readonly string[] | undefined;
    if (!outer) return true;
    return inner?.every((v) => outer.includes(v)) === true;
  });
}

/** A rule whose filters accept exactly the cases both rules accept (amounts and chain of `a`). */
export function intersectScopes(a: ApprovalRule, b: ApprovalRule): ApprovalRule {
  const result: ApprovalRule = { ...a };
  for (const [key] of DIMENSIONS) {
    const left = a[key] as string[] | undefined;
    const right = b[key] as string[] | undefined;
    const both = left && right ? left.filter((v) => right.includes(v)) : (left ?? right);
    (result as Record<string, unknown>)[key] = both;
  }
  return result;
}

/** `a` is narrower than `b`, so `a` wins where both apply. */
export function isMoreSpecific(a: ApprovalRule, b: ApprovalRule): boolean {
  return isWithinScope(a, b) && !isWithinScope(b, a);
}

/** The shared amount range of two rules, or null when they do not overlap. */
export function amountOverlap(
  a: ApprovalRule,
  b: ApprovalRule,
): { from: string; to?: string } | null {
  const from = Decimal.max(a.minGross, b.minGross);
  const ends = [a.maxGross, b.maxGross].filter((v): v is string => v !== undefined);
  const to = ends.length > 0 ? Decimal.min(...ends) : undefined;
  if (to && from.gte(to)) return null;
  return { from: from.toString(), to: to?.toString() };
}

/** Filters in words, for messages: `entity DE01, vendor class it`. */
export function describeScope(rule: ApprovalRule): string {
  const parts = [
    rule.entities && `entity ${rule.entities.join('/')}`,
    rule.costCentres && `cost centre ${rule.costCentres.join('/')}`,
    rule.vendorClasses && `vendor class ${rule.vendorClasses.join('/')}`,
    rule.documentKinds && `document kind ${rule.documentKinds.join('/')}`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'any case';
}
