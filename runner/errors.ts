import { type ErrorCode, kindOfCode, type ErrorKind } from './error-codes.ts';

/** One failed attempt, kept on the final error so the whole retry history travels with it. */
export interface AttemptRecord {
  attempt: number;
  code: string;
  message: string;
  at: string;
}

/**
 * The base of every error the product throws. `code` is stable and stored; `kind` follows from
 * the code and decides the retry policy. Failures cross process boundaries (BullMQ, the store)
 * as data, so callers read `code` through {@link errorCodeOf} rather than `instanceof`.
 */
export class RpaError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly details: Record<string, unknown>;
  attempts: AttemptRecord[] = [];

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'RpaError';
    this.code = code;
    this.kind = kindOfCode(code);
    this.details = options.details ?? {};
  }
}

/** The data (the invoice, the vendor, the target) said no: a person must look. */
export class BusinessError extends RpaError {}

/** The world was flaky: retry, log in again, restart the browser. */
export class SystemError extends RpaError {}

export function errorCodeOf(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') {
    if (/^[A-Z][A-Z0-9_]+$/.test(error.code)) return error.code;
  }
  return 'UNEXPECTED';
}

/**
 * System faults that repeating cannot mend: the configuration or a secret is wrong, or the
 * target refused the bot's password (where a second try risks locking the account). They fail
 * at once, for a person to mend and then `rpa retry`.
 */
const MENDED_BY_A_PERSON = new Set<string>([
  'CONFIG_INVALID',
  'SECRET_MISSING',
  'POLICY_INVALID',
  'SELECTOR_MAP_INVALID',
  'TARGET_LOGIN_FAILED',
]);

/** Only business errors are final; anything unknown is treated as a system fault. */
export function isRetryable(error: unknown): boolean {
  if (isMarkedFinal(error)) return false;
  return kindOfCode(errorCodeOf(error)) === 'system';
}

/** Whether another attempt can help at all (see {@link isRetryable} for the kind). */
export function isWorthRetrying(error: unknown): boolean {
  return isRetryable(error) && !MENDED_BY_A_PERSON.has(errorCodeOf(error));
}

/** Tells the queue that the runner has recorded this failure as final: no further attempt. */
export function markFinal(error: unknown): void {
  if (error && typeof error === 'object') (error as { isFinal?: boolean }).isFinal = true;
}

function isMarkedFinal(error: unknown): boolean {
  return Boolean(error && typeof error === 'object' && (error as { isFinal?: boolean }).isFinal);
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
