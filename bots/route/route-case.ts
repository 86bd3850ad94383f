import { Decimal } from 'decimal.js';
import type { ApprovalRule } from '../../config/policy-schema.ts';
import type { InvoiceFields } from '../../runner/invoice.ts';
import { isDecimalString } from '../../runner/money.ts';
import type { CheckResult } from '../validate/check-result.ts';
import { type CaseScope, coversAmount, isMoreSpecific, matchesScope } from './approval-scope.ts';
import type { Policy } from './load-policy.ts';

export interface RouteInput extends CaseScope {
  checks: CheckResult[];
  /** Extracted fields, or plain values after a person corrected them. */
  fields: InvoiceFields | Record<string, string | undefined>;
  /** YYYY-MM-DD; when given, delegations active that day replace the delegating approver. */
  at?: string;
}

export interface RouteDecision {
  outcome: 'auto-approve' | 'approval' | 'exception';
  /** One group or user per level, in order. */
  chain?: string[];
  exception?: { code: string; owner: string; deadlineHours: number; escalateTo: string[] };
  reason: string;
  policyVersion: string;
}

/**
 * Decides where a validated case goes: to a person when a check held, straight through when the
 * auto-approval conditions hold, else to the chain of the narrowest approval rule covering it.
 * Pure: the same policy and input always give the same decision.
 */
export function routeCase(policy: Policy, input: RouteInput): RouteDecision {
  const holds = input.checks.filter((c) => c.result === 'hold');
  if (holds.length > 0)
    return exceptionFor(
      policy,
      holds.map((h) => h.code),
      `held by ${holds.map((h) => h.code).join(', ')}`,
    );
  const gross = fieldText(input.fields, 'gross_total');
  if (!gross || !isDecimalString(gross))
    return exceptionFor(policy, ['FIELD_MISSING'], 'no gross total to route by');
  const currency = fieldText(input.fields, 'currency') ?? policy.currency;
  const amount = toPolicyCurrency(policy, gross, currency);
  if (!amount)
    return exceptionFor(
      policy,
      ['CURRENCY_NOT_IN_POLICY'],
      `no exchange rate for ${currency} to ${policy.currency}`,
    );
  const money = `${gross} ${currency}${currency === policy.currency ? '' : ` (${amount.toFixed(2)} ${policy.currency})`}`;
  if (isAutoApproved(policy, input, amount)) {
    return {
      outcome: 'auto-approve',
      reason: `All checks passed and gross ${money} is within the auto-approval limit ${policy.autoApprove.maxGross} ${policy.currency}.`,
      policyVersion: policy.policyVersion,
    };
  }
  const rule = narrowestRule(policy, input, amount);
  const chain = input.at
    ? rule.chain.map((entry) => delegateOf(policy, entry, input.at!))
    : [...rule.chain];
  const delegated = chain.filter((entry, i) => entry !== rule.chain[i]);
  const note = delegated.length > 0 ? ` (delegated on ${input.at}: ${delegated.join(', ')})` : '';
  return {
    outcome: 'approval',
    chain,
    reason: `Gross ${money} goes to approval rule "${rule.name}": ${chain.join(' -> ')}${note}.`,
    policyVersion: policy.policyVersion,
  };
}

/** The owner of the first code the policy lists among `codes`, else the default owner. */
export function exceptionFor(policy: Policy, codes: string[], why: string): RouteDecision {
  const listed = policy.exceptions.byCode.find((route) => codes.includes(route.code));
  const code = listed?.code ?? codes[0]!;
  const route = listed ?? policy.exceptions.default;
  return {
    outcome: 'exception',
    exception: {
      code,
      owner: route.owner,
      deadlineHours: route.deadlineHours,
      escalateTo: route.escalateTo,
    },
    reason: `Exception ${code} (${why}) goes to ${route.owner}, due within ${route.deadlineHours} hours.`,
    policyVersion: policy.policyVersion,
  };
}

function fieldText(fields: RouteInput['fields'], name: string): string | undefined {
  const field = (fields as Record<string, unknown>)[name];
  if (field && typeof field === 'object' && 'value' in field) return String(field.value);
  return typeof field === 'string' ? field : undefined;
}

/** Absolute amount in the policy currency: bands and limits apply to credit notes alike. */
function toPolicyCurrency(policy: Policy, gross: string, currency: string): Decimal | null {
  if (currency === policy.currency) return new Decimal(gross).abs();
  const rate = policy.exchangeRates[currency];
  return rate ? new Decimal(gross).abs().times(rate) : null;
}

function isAutoApproved(policy: Policy, input: RouteInput, amount: Decimal): boolean {
  const auto = policy.autoApprove;
  if (!auto.enabled || amount.gt(auto.maxGross)) return false;
  if (auto.vendorClasses && !(input.vendorClass && auto.vendorClasses.includes(input.vendorClass)))
    return false;
  if (auto.entities && !(input.entity && auto.entities.includes(input.entity))) return false;
  return auto.documentKinds.includes((input.documentKind ?? 'invoice') as 'invoice');
}

/**
 * The matching rule no other matching rule is narrower than. The loader refused policies where
 * two such rules disagree, and made sure an unfiltered rule covers every amount, so one exists.
 */
function narrowestRule(policy: Policy, input: RouteInput, amount: Decimal): ApprovalRule {
  const scope = { ...input, documentKind: input.documentKind ?? 'invoice' };
  const matching = policy.approvals.filter(
    (r) => coversAmount(r, amount) && matchesScope(r, scope),
  );
  const narrowest = matching.find((r) => !matching.some((other) => isMoreSpecific(other, r)));
  return narrowest!;
}

/** The user standing in for `entry` on `day`, following delegations; groups are not delegated. */
export function delegateOf(policy: Policy, entry: string, day: string): string {
  let current = entry;
  for (let hops = 0; hops < policy.delegations.length; hops++) {
    const next = policy.delegations.find(
      (d) => d.from === current && d.fromDate <= day && d.untilDate >= day,
    );
    if (!next) break;
    current = next.to;
  }
  return current;
}
