import { Decimal } from 'decimal.js';
import type { ApprovalRule, PolicyFile, UsersFile } from '../../config/policy-schema.ts';
import { ERROR_CODES } from '../../runner/error-codes.ts';
import {
  amountOverlap,
  describeScope,
  intersectScopes,
  isMoreSpecific,
  isUnfiltered,
  isWithinScope,
  scopesIntersect,
} from './approval-scope.ts';

/**
 * The checks zod cannot make: names that must exist in the user directory, bands that contradict
 * each other, amounts no rule covers. Each returns problems as sentences naming the rule.
 */
export function findPolicyProblems(policy: PolicyFile, users: UsersFile): string[] {
  return [
    ...checkDirectory(users),
    ...checkRuleNames(policy),
    ...checkChains(policy, users),
    ...checkExceptions(policy, users),
    ...checkDelegations(policy, users),
    ...checkOverlaps(policy),
    ...checkCoverage(policy),
  ];
}

function checkDirectory(users: UsersFile): string[] {
  const groups = new Set(users.groups.map((g) => g.id));
  const problems = duplicates(users.users.map((u) => u.id)).map(
    (id) => `user "${id}" is listed twice`,
  );
  problems.push(
    ...duplicates(users.groups.map((g) => g.id)).map((id) => `group "${id}" is listed twice`),
  );
  problems.push(
    ...users.users
      .filter((u) => groups.has(u.id))
      .map((u) => `"${u.id}" is both a user and a group`),
  );
  for (const user of users.users) {
    for (const group of user.groups) {
      if (!groups.has(group))
        problems.push(
          `user "${user.id}" is in group "${group}", which is not declared under groups`,
        );
    }
  }
  return problems;
}

function checkRuleNames(policy: PolicyFile): string[] {
  const problems = duplicates(policy.approvals.map((r) => r.name)).map(
    (n) => `approval rule "${n}" is defined twice`,
  );
  for (const rule of policy.approvals) {
    if (rule.maxGross !== undefined && new Decimal(rule.minGross).gte(rule.maxGross)) {
      problems.push(
        `approval rule "${rule.name}": minGross ${rule.minGross} is not below maxGross ${rule.maxGross}`,
      );
    }
  }
  return problems;
}

/** Every level must name a user with the approver role or a group with at least one. */
function checkChains(policy: PolicyFile, users: UsersFile): string[] {
  const problems: string[] = [];
  for (const rule of policy.approvals) {
    rule.chain.forEach((entry, index) => {
      const problem = approverProblem(entry, users);
      if (problem) problems.push(`approval rule "${rule.name}" level ${index + 1}: ${problem}`);
    });
  }
  return problems;
}

function approverProblem(entry: string, users: UsersFile): string | null {
  const user = users.users.find((u) => u.id === entry);
  if (user)
    return user.roles.includes('approver') ? null : `user "${entry}" lacks the approver role`;
  if (!users.groups.some((g) => g.id === entry))
    return `"${entry}" is neither a group nor a user of the user directory`;
  const approvers = users.users.filter(
    (u) => u.groups.includes(entry) && u.roles.includes('approver'),
  );
  return approvers.length > 0 ? null : `group "${entry}" has no member with the approver role`;
}

function checkExceptions(policy: PolicyFile, users: UsersFile): string[] {
  const known = (id: string) =>
    users.users.some((u) => u.id === id) || users.groups.some((g) => g.id === id);
  const problems: string[] = [];
  if (!known(policy.exceptions.default.owner))
    problems.push(
      `exceptions.default: owner "${policy.exceptions.default.owner}" is neither a group nor a user`,
    );
  for (const route of [policy.exceptions.default, ...policy.exceptions.byCode]) {
    for (const entry of route.escalateTo.filter((e) => !known(e)))
      problems.push(`exceptions: escalation to "${entry}" names neither a group nor a user`);
  }
  for (const route of policy.exceptions.byCode) {
    if (!known(route.owner))
      problems.push(
        `exception ${route.code}: owner "${route.owner}" is neither a group nor a user`,
      );
    const entry = (ERROR_CODES as Record<string, { kind: string }>)[route.code];
    if (entry?.kind !== 'business')
      problems.push(`exception ${route.code}: not a business reason code of runner/error-codes.ts`);
  }
  problems.push(
    ...duplicates(policy.exceptions.byCode.map((r) => r.code)).map(
      (c) => `exception ${c} is routed twice`,
    ),
  );
  return problems;
}

function checkDelegations(policy: PolicyFile, users: UsersFile): string[] {
  const problems: string[] = [];
  for (const d of policy.delegations) {
    const label = `delegation ${d.from} -> ${d.to}`;
    if (!users.users.some((u) => u.id === d.from))
      problems.push(`${label}: "${d.from}" is not a user`);
    const to = users.users.find((u) => u.id === d.to);
    if (!to?.roles.includes('approver'))
      problems.push(`${label}: "${d.to}" is not a user with the approver role`);
    if (d.from === d.to) problems.push(`${label}: a user cannot delegate to themselves`);
    if (d.fromDate > d.untilDate)
      problems.push(`${label}: fromDate ${d.fromDate} is after untilDate ${d.untilDate}`);
    if (leadsBack(policy, d))
      problems.push(
        `${label}: delegations from ${d.fromDate} to ${d.untilDate} lead back to "${d.from}"`,
      );
  }
  return problems;
}

type Delegation = PolicyFile['delegations'][number];

/** Following delegations that overlap in time from `d.to` reaches `d.from`: a cycle. */
function leadsBack(policy: PolicyFile, d: Delegation): boolean {
  const seen = new Set<string>();
  let current = d.to;
  while (!seen.has(current)) {
    seen.add(current);
    const next = policy.delegations.find(
      (o) => o.from === current && o.fromDate <= d.untilDate && o.untilDate >= d.fromDate,
    );
    if (!next) return false;
    if (next.to === d.from) return true;
    current = next.to;
  }
  return false;
}

/** Two rules that can both apply, neither narrower than the other, must agree on the chain. */
function checkOverlaps(policy: PolicyFile): string[] {
  const problems: string[] = [];
  const rules = policy.approvals;
  rules.forEach((a, i) => {
    for (const b of rules.slice(i + 1)) {
      const overlap = amountOverlap(a, b);
      if (!overlap || !scopesIntersect(a, b) || sameChain(a.chain, b.chain)) continue;
      if (isMoreSpecific(a, b) || isMoreSpecific(b, a)) continue;
      if (rules.some((c) => isSettledBy(c, a, b, overlap))) continue;
      problems.push(
        `approval rules "${a.name}" (${describeScope(a)}) and "${b.name}" (${describeScope(b)}) overlap for gross ${overlap.from} to ${overlap.to ?? 'any amount'} ${policy.currency} with different chains`,
      );
    }
  });
  return problems;
}

/**
 * A third rule settles a conflict between `a` and `b` when it lies inside both, covers all of
 * their shared cases and their whole shared amount range, e.g. an "IT in France" rule between
 * an IT rule and a France rule.
 */
function isSettledBy(
  c: ApprovalRule,
  a: ApprovalRule,
  b: ApprovalRule,
  overlap: { from: string; to?: string },
): boolean {
  if (c === a || c === b || !isWithinScope(c, a) || !isWithinScope(c, b)) return false;
  if (!isWithinScope(intersectScopes(a, b), c)) return false;
  if (new Decimal(c.minGross).gt(overlap.from)) return false;
  return (
    c.maxGross === undefined ||
    (overlap.to !== undefined && new Decimal(c.maxGross).gte(overlap.to))
  );
}

/** Rules without filters must cover every amount from 0 up, or some case has no route. */
function checkCoverage(policy: PolicyFile): string[] {
  const bands = policy.approvals
    .filter(isUnfiltered)
    .sort((a, b) => new Decimal(a.minGross).comparedTo(b.minGross));
  let reached = new Decimal(0);
  for (const band of bands) {
    if (new Decimal(band.minGross).gt(reached)) break;
    if (band.maxGross === undefined) return [];
    reached = Decimal.max(reached, band.maxGross);
  }
  const next = bands.find((b) => new Decimal(b.minGross).gt(reached));
  const gap = `${reached.toString()} to ${next ? next.minGross : 'any amount'} ${policy.currency}`;
  return [`no approval rule without filters covers gross ${gap}: a case there would have no route`];
}

function sameChain(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((entry, i) => entry === b[i]);
}

function duplicates(values: readonly string[]): string[] {
  return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}
