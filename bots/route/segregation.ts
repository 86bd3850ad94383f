import type { Role } from '../../config/policy-schema.ts';

/** What a person may do to a case. */
export type CaseAction = 'approve' | 'post' | 'pay';

/** One entry of a case's history: who did what (`create`, `correct`, `approve`, `post`, ...). */
export interface HistoryEntry {
  actor: string;
  action: string;
}

export interface SodVerdict {
  allowed: boolean;
  /** The rule that forbids it, e.g. `SOD_CREATOR_CANNOT_APPROVE`. */
  rule?: string;
}

const ROLE_FOR: Record<CaseAction, Role> = { approve: 'approver', post: 'poster', pay: 'payer' };

/** Earlier actions of the same person that forbid this one (R4). */
const CONFLICTS: Record<CaseAction, Array<{ actions: string[]; rule: string }>> = {
  approve: [
    { actions: ['create', 'created', 'ingest', 'capture'], rule: 'SOD_CREATOR_CANNOT_APPROVE' },
    {
      actions: ['correct', 'corrected', 'correct-field', 'edit'],
      rule: 'SOD_EDITOR_CANNOT_APPROVE',
    },
    { actions: ['approve', 'approved'], rule: 'SOD_ONE_APPROVAL_PER_PERSON' },
    { actions: ['post', 'posted', 'pay', 'paid'], rule: 'SOD_APPROVER_NOT_POSTER_OR_PAYER' },
  ],
  post: [
    {
      actions: [
        'create',
        'created',
        'ingest',
        'capture',
        'correct',
        'corrected',
        'correct-field',
        'edit',
      ],
      rule: 'SOD_EDITOR_CANNOT_POST',
    },
    { actions: ['approve', 'approved'], rule: 'SOD_APPROVER_NOT_POSTER_OR_PAYER' },
  ],
  pay: [
    {
      actions: [
        'create',
        'created',
        'ingest',
        'capture',
        'correct',
        'corrected',
        'correct-field',
        'edit',
      ],
      rule: 'SOD_EDITOR_CANNOT_PAY',
    },
    {
      actions: ['approve', 'approved', 'post', 'posted'],
      rule: 'SOD_PAYER_NOT_APPROVER_OR_POSTER',
    },
  ],
};

/**
 * Whether `user` may take `action` on a case: they need the role for it, and must not have
 * created or changed the case or taken another of the separated steps (approve, post, pay) on it.
 * Bot actors ("system") in the history never block a person.
 */
export function canAct(
  user: string,
  action: CaseAction,
  caseHistory: readonly HistoryEntry[],
  roles: readonly Role[],
): SodVerdict {
  if (!roles.includes(ROLE_FOR[action]))
    return { allowed: false, rule: `SOD_ROLE_MISSING_${ROLE_FOR[action].toUpperCase()}` };
  const mine = caseHistory.filter((h) => h.actor === user).map((h) => h.action.toLowerCase());
  const conflict = CONFLICTS[action].find((c) => c.actions.some((a) => mine.includes(a)));
  return conflict ? { allowed: false, rule: conflict.rule } : { allowed: true };
}

/** R4 for approvals: see {@link canAct}. */
export function canApprove(
  user: string,
  caseHistory: readonly HistoryEntry[],
  roles: readonly Role[],
): SodVerdict {
  return canAct(user, 'approve', caseHistory, roles);
}
