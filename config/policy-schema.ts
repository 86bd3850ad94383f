import { z } from 'zod';

/**
 * The routing policy and the user directory, declared as data. Amounts are decimal strings in
 * the policy's currency; unknown keys are errors so that a typo cannot silently widen a limit.
 * Cross-references (groups named in chains, reason codes) are checked by the policy loader.
 */
const amount = z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal string such as "1000.00"');
const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "EUR"');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const name = z.string().min(1);
const documentKind = z.enum(['invoice', 'credit-note']);

export const ROLES = ['clerk', 'approver', 'poster', 'payer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const usersSchema = z
  .object({
    groups: z
      .array(z.object({ id: name, description: z.string().optional() }).strict())
      .default([]),
    users: z
      .array(
        z
          .object({
            id: name,
            name: z.string().optional(),
            email: z.string().optional(),
            roles: z.array(z.enum(ROLES)).min(1),
            groups: z.array(name).default([]),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

const approvalRule = z
  .object({
    /** Named in errors and in every routing reason. */
    name,
    /** Lowest absolute gross the rule covers, inclusive. Default 0. */
    minGross: amount.default('0'),
    /** Highest absolute gross, exclusive; unset means no upper bound. */
    maxGross: amount.optional(),
    /** Unset means any; a rule with filters wins over a wider rule it lies inside. */
    entities: z.array(name).min(1).optional(),
    costCentres: z.array(name).min(1).optional(),
    vendorClasses: z.array(name).min(1).optional(),
    documentKinds: z.array(documentKind).min(1).optional(),
    /** One group or user per level, approved in order. */
    chain: z.array(name).min(1),
  })
  .strict();

const exceptionRoute = z
  .object({
    /** A user or a group of the user directory. */
    owner: name,
    /** Hours until the exception is escalated. */
    deadlineHours: z.number().positive(),
    /** Users or groups the exception moves to, one per escalation, in order. */
    escalateTo: z.array(name).default([]),
  })
  .strict();

export const policySchema = z
  .object({
    /** A label for people; the routing records the file's SHA-256 as its version. */
    label: z.string().optional(),
    /** The user directory, relative to the policy file. */
    usersFile: z.string().min(1),
    /** The currency of every amount in this policy. */
    currency,
    /** Units of the policy currency per unit of another currency, e.g. `USD: "0.92"`. */
    exchangeRates: z.record(currency, amount).default({}),
    autoApprove: z
      .object({
        enabled: z.boolean().default(false),
        /** Highest absolute gross approved without a person, inclusive. */
        maxGross: amount,
        /** Unset means any vendor class; set, a case without a class is never auto-approved. */
        vendorClasses: z.array(name).min(1).optional(),
        entities: z.array(name).min(1).optional(),
        documentKinds: z.array(documentKind).min(1).default(['invoice']),
      })
      .strict(),
    approvals: z.array(approvalRule).min(1),
    /** Hours each approval level has, counted from when it became due; `rpa inbox` shows it. */
    approvalDeadlineHours: z.number().positive().default(48),
    delegations: z
      .array(
        z
          .object({
            from: name,
            to: name,
            fromDate: day,
            untilDate: day,
            note: z.string().optional(),
          })
          .strict(),
      )
      .default([]),
    exceptions: z
      .object({
        /** Route for any reason code not listed in `byCode`. */
        default: exceptionRoute,
        /** In priority order: when several checks hold, the first listed code decides the owner. */
        byCode: z
          .array(exceptionRoute.extend({ code: z.string().regex(/^[A-Z][A-Z0-9_]+$/) }).strict())
          .default([]),
      })
      .strict(),
  })
  .strict();

export type UsersFile = z.infer<typeof usersSchema>;
export type PolicyFile = z.infer<typeof policySchema>;
export type ApprovalRule = z.infer<typeof approvalRule>;
export type UserEntry = UsersFile['users'][number];
