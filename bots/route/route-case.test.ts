import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeInput, readExpected } from '../validate/test-input.ts';
import { validateInvoice } from '../validate/validate-invoice.ts';
import type { CheckResult } from '../validate/check-result.ts';
import { loadPolicy } from './load-policy.ts';
import { routeCase } from './route-case.ts';

const policy = loadPolicy(path.resolve(import.meta.dirname, '../../config/examples/policy.yaml'));
/** Gross 336.90, 529.87 and 11693.87 EUR. */
const XR_0101 =
  'xrechnung-testsuite/src/test/business-cases/standard/01.01a-INVOICE_ubl.xml.expected.json';
const EINFACH = 'zugferd-corpus/XML-Rechnung/CII/EN16931_Einfach.cii.xml.expected.json';
const LARGE_NEW = 'en16931-cef/cii/examples/CII_business_example_Z.xml.expected.json';
const PASS: CheckResult = { rule: 'totals', code: 'OK', result: 'pass', reason: '', evidence: {} };

function hold(code: string): CheckResult {
  return { rule: 'x', code, result: 'hold', reason: '', evidence: {} };
}

function route(gross: string, extra: Partial<Parameters<typeof routeCase>[1]> = {}) {
  return routeCase(policy, {
    checks: [PASS],
    fields: { gross_total: gross, currency: 'EUR' },
    ...extra,
  });
}

describe('routeCase', () => {
  it('auto-approves a clean small invoice of an allowed vendor class', () => {
    const decision = route('499.99', { vendorClass: 'utilities' });
    expect(decision).toMatchObject({
      outcome: 'auto-approve',
      policyVersion: policy.policyVersion,
    });
    expect(decision.reason).toBe(
      'All checks passed and gross 499.99 EUR is within the auto-approval limit 500.00 EUR.',
    );
  });

  it('does not auto-approve another vendor class, no class, a credit note, or above the limit', () => {
    expect(route('100', { vendorClass: 'consulting' }).outcome).toBe('approval');
    expect(route('100').outcome).toBe('approval');
    expect(route('100', { vendorClass: 'utilities', documentKind: 'credit-note' }).outcome).toBe(
      'approval',
    );
    expect(route('500.01', { vendorClass: 'utilities' }).outcome).toBe('approval');
  });

  it('sends each amount band to its chain, lower bound inclusive', () => {
    expect(route('999.99').chain).toEqual(['team-leads']);
    expect(route('1000').chain).toEqual(['team-leads', 'finance-managers']);
    expect(route('10000.00').chain).toEqual(['team-leads', 'finance-managers', 'cfo']);
  });

  it('prefers the narrowest rule for cost centre, entity and both', () => {
    expect(route('50000', { costCentre: 'CC-IT' }).chain).toEqual([
      'it-managers',
      'finance-managers',
    ]);
    expect(route('50000', { entity: 'FR01' }).chain).toEqual(['finance-managers', 'cfo']);
    const both = route('50000', { entity: 'FR01', costCentre: 'CC-IT' });
    expect(both.chain).toEqual(['it-managers', 'finance-managers', 'cfo']);
    expect(both.reason).toContain('approval rule "fr-it-large"');
  });

  it('routes credit notes by their absolute amount to their own rule', () => {
    expect(route('-25000', { documentKind: 'credit-note', costCentre: 'CC-IT' }).chain).toEqual([
      'finance-managers',
    ]);
  });

  it('converts other currencies and raises CURRENCY_NOT_IN_POLICY without a rate', () => {
    const usd = routeCase(policy, {
      checks: [PASS],
      fields: { gross_total: '1100.00', currency: 'USD' },
    });
    expect(usd.chain).toEqual(['team-leads', 'finance-managers']);
    expect(usd.reason).toContain('1100.00 USD (1012.00 EUR)');
    const jpy = routeCase(policy, {
      checks: [PASS],
      fields: { gross_total: '1100', currency: 'JPY' },
    });
    expect(jpy.exception).toMatchObject({
      code: 'CURRENCY_NOT_IN_POLICY',
      owner: 'ap-clerks',
      deadlineHours: 24,
    });
  });

  it('replaces a delegating approver on the days of the delegation only', () => {
    const policyWithUser = {
      ...policy,
      approvals: policy.approvals.map((r) =>
        r.name === 'large' ? { ...r, chain: ['tom', 'fiona', 'chris'] } : r,
      ),
    };
    const during = routeCase(policyWithUser, {
      checks: [PASS],
      fields: { gross_total: '20000' },
      at: '2026-12-24',
    });
    expect(during.chain).toEqual(['tom', 'fiona', 'fiona']);
    expect(during.reason).toContain('(delegated on 2026-12-24: fiona)');
    expect(
      routeCase(policyWithUser, {
        checks: [PASS],
        fields: { gross_total: '20000' },
        at: '2027-01-04',
      }).chain,
    ).toEqual(['tom', 'fiona', 'chris']);
  });

  it('sends a hold to the owner of the highest-priority code among the holds', () => {
    const decision = route('100', { checks: [hold('FIELD_MISSING'), hold('IBAN_MISMATCH')] });
    expect(decision).toMatchObject({
      outcome: 'exception',
      exception: { code: 'IBAN_MISMATCH', owner: 'treasury', deadlineHours: 4 },
    });
    expect(decision.reason).toBe(
      'Exception IBAN_MISMATCH (held by FIELD_MISSING, IBAN_MISMATCH) goes to treasury, due within 4 hours.',
    );
  });

  it('sends a code the policy does not list to the default owner', () => {
    expect(route('100', { checks: [hold('LINES_MISMATCH')] }).exception).toMatchObject({
      code: 'LINES_MISMATCH',
      owner: 'ap-clerks',
      deadlineHours: 24,
    });
  });

  it('routes corpus invoices end to end from their validation results', () => {
    const small = makeInput(readExpected(XR_0101), { method: 'ubl' });
    const auto = routeCase(policy, {
      checks: validateInvoice(small),
      fields: small.extraction.fields,
      vendorClass: 'office-supplies',
    });
    expect(auto.outcome).toBe('auto-approve');
    const einfach = makeInput(readExpected(EINFACH), { method: 'cii' });
    const routed = routeCase(policy, {
      checks: validateInvoice(einfach),
      fields: einfach.extraction.fields,
      vendorClass: 'office-supplies',
    });
    expect(routed).toMatchObject({ outcome: 'approval', chain: ['team-leads'] });
    const held = makeInput(readExpected(LARGE_NEW), { method: 'cii' });
    const decision = routeCase(policy, {
      checks: validateInvoice(held),
      fields: held.extraction.fields,
    });
    expect(decision.exception).toMatchObject({
      code: 'NEW_VENDOR_LARGE_AMOUNT',
      owner: 'ap-leads',
      deadlineHours: 24,
    });
  });
});
