export type {
  CliSource,
  FileSource,
  FolderSource,
  IncomingFile,
  MailSource,
  PortalSource,
} from '../types.ts';
export { type CollectedMail, type CollectOptions, collectFiles } from './collect-files.ts';
export { MemoryCursorStore } from './memory-cursor-store.ts';
export {
  type MailCursorStore,
  type MailSink,
  type PollOptions,
  type PollResult,
  pollMailbox,
} from './poll-mailbox.ts';
export { type WatchOptions, watchMailbox } from './watch-mailbox.ts';
