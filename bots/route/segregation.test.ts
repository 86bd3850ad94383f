import { describe, expect, it } from 'vitest';
import { canAct, canApprove } from './segregation.ts';

const HISTORY = [
  { actor: 'system', action: 'ingest' },
  { actor: 'clara', action: 'correct' },
  { actor: 'tom', action: 'approve' },
];

describe('canApprove', () => {
  it('allows an approver who has not touched the case', () => {
    expect(canApprove('fiona', HISTORY, ['approver'])).toEqual({ allowed: true });
  });

  it('forbids whoever created or corrected the case', () => {
    expect(canApprove('clara', HISTORY, ['clerk', 'approver'])).toEqual({
      allowed: false,
      rule: 'SOD_EDITOR_CANNOT_APPROVE',
    });
    expect(canApprove('lena', [{ actor: 'lena', action: 'create' }], ['approver'])).toEqual({
      allowed: false,
      rule: 'SOD_CREATOR_CANNOT_APPROVE',
    });
  });

  it('forbids a second approval level by the same person, and approval without the role', () => {
    expect(canApprove('tom', HISTORY, ['approver'])).toEqual({
      allowed: false,
      rule: 'SOD_ONE_APPROVAL_PER_PERSON',
    });
    expect(canApprove('paul', HISTORY, ['poster'])).toEqual({
      allowed: false,
      rule: 'SOD_ROLE_MISSING_APPROVER',
    });
  });
});

describe('canAct', () => {
  it('keeps approving, posting and paying apart', () => {
    const roles = ['approver', 'poster', 'payer'] as const;
    expect(canAct('tom', 'post', HISTORY, roles)).toEqual({
      allowed: false,
      rule: 'SOD_APPROVER_NOT_POSTER_OR_PAYER',
    });
    expect(canAct('paul', 'post', HISTORY, ['poster'])).toEqual({ allowed: true });
    const posted = [...HISTORY, { actor: 'paul', action: 'post' }];
    expect(canAct('paul', 'pay', posted, ['poster', 'payer'])).toEqual({
      allowed: false,
      rule: 'SOD_PAYER_NOT_APPROVER_OR_POSTER',
    });
    expect(canAct('tara', 'pay', posted, ['payer'])).toEqual({ allowed: true });
    expect(canAct('paul', 'approve', posted, roles)).toEqual({
      allowed: false,
      rule: 'SOD_APPROVER_NOT_POSTER_OR_PAYER',
    });
  });
});
