import { scanDropFolder } from '../bots/intake/folder.ts';
import { type IncomingFile, pollMailbox, watchMailbox } from '../bots/intake/mail/index.ts';
import { readSecret } from '../config/load.ts';
import { messageOf } from '../runner/errors.ts';
import { dbMailCursors } from '../runner/store/mail-cursors.ts';
import type { Runtime } from './runtime.ts';
import { receiveFile } from './stages/receive.ts';

export interface SourcePassSummary {
  files: number;
  mails: number;
  failedSources: string[];
}

/**
 * One pass over every configured source: drop folders, then mailboxes. A source that fails
 * (mailbox down) is logged and skipped so the others still run; the next pass retries it.
 */
export async function pollSources(rt: Runtime): Promise<SourcePassSummary> {
  const summary: SourcePassSummary = { files: 0, mails: 0, failedSources: [] };
  for (const folder of rt.config.sources.dropFolders) {
    await runSource(rt, summary, `folder:${folder.path}`, async () => {
      await scanDropFolder(folder, (file) => acceptFiles(rt, summary, [file]), rt.logger, {
        maxFileBytes: intakeCapBytes(rt),
      });
    });
  }
  for (const mailbox of rt.config.sources.mailboxes) {
    await runSource(rt, summary, `mailbox:${mailbox.name}`, async () => {
      const password = readSecret(mailbox.password);
      const result = await pollMailbox(
        { ...mailbox, password },
        (files) => acceptFiles(rt, summary, files),
        dbMailCursors(rt.db),
        rt.logger.child({ mailbox: mailbox.name, bot: 'intake-mail' }),
        { maxFileBytes: intakeCapBytes(rt) },
      );
      summary.mails += result.mails;
    });
  }
  return summary;
}

/**
 * For `rpa worker`: every mailbox watched continuously (IMAP IDLE, polling where the server
 * has none, reconnecting with a fresh client after a drop) and the drop folders scanned every
 * `pollMs`, until `signal` aborts.
 */
export async function watchSources(rt: Runtime, signal: AbortSignal, pollMs: number) {
  const summary: SourcePassSummary = { files: 0, mails: 0, failedSources: [] };
  const watches = rt.config.sources.mailboxes.map((mailbox) =>
    runSource(rt, summary, `mailbox:${mailbox.name}`, () =>
      watchMailbox(
        { ...mailbox, password: readSecret(mailbox.password) },
        (files) => acceptFiles(rt, summary, files),
        dbMailCursors(rt.db),
        rt.logger.child({ mailbox: mailbox.name, bot: 'intake-mail' }),
        { signal, pollIntervalMs: pollMs, maxFileBytes: intakeCapBytes(rt) },
      ),
    ),
  );
  while (!signal.aborted) {
    for (const folder of rt.config.sources.dropFolders) {
      await runSource(rt, summary, `folder:${folder.path}`, async () => {
        await scanDropFolder(folder, (file) => acceptFiles(rt, summary, [file]), rt.logger, {
          maxFileBytes: intakeCapBytes(rt),
        });
      });
    }
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, pollMs);
      signal.addEventListener('abort', () => resolve(clearTimeout(timer)), { once: true });
    });
  }
  await Promise.all(watches);
}

/**
 * Files up to four times the extraction limit are still taken in, so that an oversized invoice
 * becomes a case held as FILE_TOO_LARGE (original kept, a person sees it) instead of a log line;
 * beyond that the intake refuses to read it at all.
 */
function intakeCapBytes(rt: Runtime): number {
  return rt.config.intake.maxFileBytes * 4;
}

async function runSource(
  rt: Runtime,
  summary: SourcePassSummary,
  name: string,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    summary.failedSources.push(name);
    rt.logger.error('Source failed; skipped this pass', {
      runId: rt.runId,
      file: name,
      error: messageOf(error),
    });
  }
}

async function acceptFiles(
  rt: Runtime,
  summary: SourcePassSummary,
  files: IncomingFile[],
): Promise<'accepted' | 'rejected'> {
  for (const file of files) {
    await receiveFile(rt, {
      fileName: file.fileName,
      bytes: file.bytes,
      mediaType: file.mediaType,
      arrival: arrivalOf(file),
      isContainer: file.isContainer,
    });
    summary.files += 1;
  }
  return files.length > 0 ? 'accepted' : 'rejected';
}

function arrivalOf(file: IncomingFile) {
  const s = { ...file.source, parentSha256: file.parentSha256 } as Record<string, unknown> & {
    kind: string;
  };
  if (s.kind === 'mail') {
    return {
      channel: 'mail' as const,
      ref: `${String(s.mailbox)}/${String(s.uidValidity)}/${String(s.uid)}/${file.fileName}`,
      detail: s,
    };
  }
  return {
    channel: s.kind === 'cli' ? ('cli' as const) : ('folder' as const),
    ref: String(s.path),
    detail: s,
  };
}
