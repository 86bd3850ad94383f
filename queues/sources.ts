import path from 'node:path';
import { scanDropFolder } from '../bots/intake/folder.ts';
import {
  type CollectOptions,
  type IncomingFile,
  pollMailbox,
  watchMailbox,
} from '../bots/intake/mail/index.ts';
import { pollPortal } from '../bots/intake/portal/index.ts';
import { loadSheetMappings } from '../bots/intake/sheets/sheet-mapping.ts';
import { readSecret } from '../config/load.ts';
import type { PortalConfig } from '../config/schema.ts';
import { messageOf } from '../runner/errors.ts';
import { dbMailCursors } from '../runner/store/mail-cursors.ts';
import { dbPortalSeen } from '../runner/store/portal-seen.ts';
import type { Runtime } from './runtime.ts';
import { receiveFile } from './stages/receive.ts';

export interface SourcePassSummary {
  files: number;
  mails: number;
  failedSources: string[];
}

/**
 * One pass over every configured source: drop folders, mailboxes, then supplier portals. A
 * source that fails (mailbox down, portal refusing the login) is logged and skipped so the
 * others still run; the next pass retries it.
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
        mailOptions(rt),
      );
      summary.mails += result.mails;
    });
  }
  for (const portal of rt.config.sources.portals) await runPortal(rt, summary, portal);
  return summary;
}

/** Size cap, zip limits and the vendors' spreadsheet mappings, read once per pass. */
function mailOptions(rt: Runtime): CollectOptions {
  const file = rt.config.intake.sheetMappingsFile;
  return {
    maxFileBytes: intakeCapBytes(rt),
    zipLimits: rt.config.intake.zip,
    ...(file ? { sheetMappings: loadSheetMappings(file) } : {}),
  };
}

/** One pass over a supplier portal; evidence under dataDir/evidence/<runId>/portal-<name>. */
async function runPortal(rt: Runtime, summary: SourcePassSummary, portal: PortalConfig) {
  await runSource(rt, summary, `portal:${portal.name}`, async () => {
    const { sheetMappings, zipLimits } = mailOptions(rt);
    await pollPortal(
      { ...portal, password: readSecret(portal.password) },
      (files) => acceptFiles(rt, summary, files),
      dbPortalSeen(rt.db),
      rt.logger.child({ bot: 'intake-portal' }),
      {
        browser: {
          executablePath: rt.config.browser.executablePath,
          headless: rt.config.browser.headless,
        },
        evidenceDir: path.join(rt.config.dataDir, 'evidence', rt.runId, `portal-${portal.name}`),
        stepTimeoutMs: rt.config.browser.stepTimeoutMs,
        screenshots: rt.config.evidence.screenshots,
        expand: { zipLimits, sheetMappings },
      },
    );
  });
}

/**
 * For `rpa worker`: every mailbox watched continuously (IMAP IDLE, polling where the server
 * has none, reconnecting with a fresh client after a drop), the drop folders scanned every
 * `pollMs` and each portal visited every `pollSeconds` of its own, until `signal` aborts.
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
        { ...mailOptions(rt), signal, pollIntervalMs: pollMs },
      ),
    ),
  );
  const portalDueMs = new Map<string, number>();
  while (!signal.aborted) {
    for (const portal of rt.config.sources.portals) {
      if ((portalDueMs.get(portal.name) ?? 0) > Date.now()) continue;
      portalDueMs.set(portal.name, Date.now() + portal.pollSeconds * 1000);
      await runPortal(rt, summary, portal);
    }
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

export function arrivalOf(file: IncomingFile) {
  const s = { ...file.source, parentSha256: file.parentSha256 } as Record<string, unknown> & {
    kind: string;
  };
  if (s.kind === 'portal') {
    return {
      channel: 'portal' as const,
      ref: `portal/${String(s.portal)}/${String(s.reference)}`,
      detail: s,
    };
  }
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
