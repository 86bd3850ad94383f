/**
 * The pipeline's stages, in order. Each is one queue; a job carries ids only (the case and the
 * run), never the document: every stage reads the case from the store.
 */
export const STAGES = ['extract', 'validate', 'route', 'post'] as const;
export type Stage = (typeof STAGES)[number];

export interface StagePayload {
  caseId: string;
  runId: string;
}

/** Handles one job. Throwing a retryable error asks the backend to try again later. */
export type StageHandler = (payload: StagePayload, attempt: AttemptInfo) => Promise<void>;

export interface AttemptInfo {
  /** 1-based. */
  attempt: number;
  maxAttempts: number;
}

/** Same contract in both modes, so a bot never knows which backend runs it. */
export interface QueueBackend {
  readonly mode: 'in-process' | 'bullmq';
  enqueue(stage: Stage, payload: StagePayload): Promise<void>;
  /** Starts consuming every stage with the given handlers. */
  start(handlers: Record<Stage, StageHandler>): Promise<void>;
  /** Resolves when no job is waiting, delayed or running in any stage. */
  waitUntilIdle(): Promise<void>;
  close(): Promise<void>;
}

export interface QueueSettings {
  attempts: number;
  backoffMs: number;
  concurrency: number;
  postConcurrency: number;
}

/** Exponential backoff: backoffMs, 2x, 4x... */
export function backoffDelayMs(settings: QueueSettings, attempt: number): number {
  return settings.backoffMs * 2 ** (attempt - 1);
}

export function jobIdFor(stage: Stage, payload: StagePayload): string {
  return `${stage}-${payload.caseId}`;
}
