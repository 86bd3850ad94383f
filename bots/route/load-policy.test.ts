import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { errorCodeOf } from '../../runner/errors.ts';
import { loadPolicy } from './load-policy.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests edit the parsed YAML freely to break it.
type Policyish = Record<string, any>;

const EXAMPLES = path.resolve(import.meta.dirname, '../../config/examples');
const dir = mkdtempSync(path.join(tmpdir(), 'rpa-policy-'));
copyFileSync(path.join(EXAMPLES, 'users.yaml'), path.join(dir, 'users.yaml'));
const example = parse(readFileSync(path.join(EXAMPLES, 'policy.yaml'), 'utf8')) as Policyish;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

let count = 0;
/** Writes a variant of the example policy and returns the load error's message. */
function refusal(change: (policy: Policyish) => void): string {
  const policy = structuredClone(example);
  change(policy);
  const file = path.join(dir, `policy-${++count}.yaml`);
  writeFileSync(file, stringify(policy));
  try {
    loadPolicy(file);
  } catch (error) {
    expect(errorCodeOf(error)).toBe('POLICY_INVALID');
    return (error as Error).message;
  }
  throw new Error('the policy was accepted');
}

describe('loadPolicy', () => {
  it('loads the example policy with its users and a SHA-256 version', () => {
    const policy = loadPolicy(path.join(EXAMPLES, 'policy.yaml'));
    expect(policy.policyVersion).toMatch(/^[0-9a-f]{64}$/);
    expect(policy.approvals.map((r) => r.name)).toContain('fr-it-large');
    expect(policy.users.users.find((u) => u.id === 'chris')?.roles).toEqual(['approver']);
  });

  it('refuses an escalation level that names no user or group', () => {
    const message = refusal((p) => {
      p.exceptions.default.escalateTo = ['ap-leads', 'nobody'];
    });
    expect(message).toContain('escalation to "nobody" names neither a group nor a user');
  });

  it('refuses overlapping bands with different chains, naming both rules', () => {
    const message = refusal((p) =>
      p.approvals.push({ name: 'mid-2', minGross: '5000', maxGross: '20000', chain: ['cfo'] }),
    );
    expect(message).toContain(
      'approval rules "medium" (any case) and "mid-2" (any case) overlap for gross 5000 to 10000 EUR with different chains',
    );
    expect(message).toContain(
      '"large" (any case) and "mid-2" (any case) overlap for gross 10000 to 20000 EUR',
    );
  });

  it('refuses two filtered rules that both apply when no narrower rule settles them', () => {
    const message = refusal((p) => {
      p.approvals = p.approvals.filter((r: { name: string }) => r.name !== 'fr-it-large');
    });
    expect(message).toContain(
      'approval rules "it-medium" (cost centre CC-IT, document kind invoice) and "fr-large" (entity FR01, document kind invoice) overlap for gross 10000 to any amount EUR',
    );
  });

  it('refuses a gap between bands, naming the amounts without a route', () => {
    const message = refusal((p) => {
      p.approvals[1].minGross = '2000';
    });
    expect(message).toContain(
      'no approval rule without filters covers gross 1000 to 2000 EUR: a case there would have no route',
    );
  });

  it('refuses a policy whose bands stop below any amount', () => {
    const message = refusal((p) => {
      p.approvals = p.approvals.filter((r: { name: string }) => r.name !== 'large');
    });
    expect(message).toContain('covers gross 10000 to any amount EUR');
  });

  it('refuses unknown groups and users in chains, owners and delegations', () => {
    const message = refusal((p) => {
      p.approvals[0].chain = ['team-leeds'];
      p.exceptions.byCode[0].owner = 'nobody';
      p.delegations.push({
        from: 'chris',
        to: 'paul',
        fromDate: '2027-02-01',
        untilDate: '2027-02-02',
      });
    });
    expect(message).toContain(
      'approval rule "small" level 1: "team-leeds" is neither a group nor a user of the user directory',
    );
    expect(message).toContain(
      'exception IBAN_MISMATCH: owner "nobody" is neither a group nor a user',
    );
    expect(message).toContain(
      'delegation chris -> paul: "paul" is not a user with the approver role',
    );
  });

  it('refuses approvers without the approver role and unknown reason codes', () => {
    const message = refusal((p) => {
      p.approvals[0].chain = ['treasury'];
      p.exceptions.byCode.push({ code: 'NO_SUCH_CODE', owner: 'ap-leads', deadlineHours: 1 });
    });
    expect(message).toContain(
      'approval rule "small" level 1: group "treasury" has no member with the approver role',
    );
    expect(message).toContain(
      'exception NO_SUCH_CODE: not a business reason code of runner/error-codes.ts',
    );
  });

  it('refuses delegations that lead back to the delegating user', () => {
    const message = refusal((p) =>
      p.delegations.push({
        from: 'fiona',
        to: 'chris',
        fromDate: '2026-12-24',
        untilDate: '2026-12-26',
      }),
    );
    expect(message).toContain(
      'delegation chris -> fiona: delegations from 2026-12-21 to 2027-01-03 lead back to "chris"',
    );
  });

  it('refuses schema errors with their path, and unknown keys', () => {
    const message = refusal((p) => {
      p.autoApprove.maxGross = '1.000,00';
      p.approvals[0].chian = ['x'];
    });
    expect(message).toContain('autoApprove.maxGross: must be a decimal string such as "1000.00"');
    expect(message).toContain('approvals.0: Unrecognized key: "chian"');
  });

  it('refuses a missing file and a broken user directory', () => {
    expect(() => loadPolicy(path.join(dir, 'absent.yaml'))).toThrow(
      /absent\.yaml refused:\n {2}- cannot be read/,
    );
    const message = refusal((p) => {
      p.usersFile = 'users-broken.yaml';
      writeFileSync(path.join(dir, 'users-broken.yaml'), 'users:\n  - { id: x, roles: [boss] }\n');
    });
    expect(message).toContain('users.0.roles.0');
  });
});
