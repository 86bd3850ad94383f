export type { IncomingFile, PortalSource } from '../types.ts';
export { MemorySeenStore } from './memory-seen-store.ts';
export {
  type PortalLogin,
  type PortalPollOptions,
  type PortalPollResult,
  type PortalSeenStore,
  type PortalSink,
  pollPortal,
} from './poll-portal.ts';
