import { copyFile, lstat, mkdir, readdir, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { BusinessError } from '../../runner/errors.ts';
import type { Logger } from '../../runner/logger.ts';
import { sniffInvoiceMediaType } from './media-type.ts';
import { safeFileName } from './safe-file-name.ts';
import type { CliSource, FolderSource, IncomingFile } from './types.ts';

export type { CliSource, FolderSource, IncomingFile } from './types.ts';

export type FolderFile = IncomingFile & { source: FolderSource };
export type FolderSink = (file: FolderFile) => Promise<'accepted' | 'rejected'>;

export interface DropFolder {
  path: string;
  /** Handled files move here (relative paths are under `path`); rejected ones into `rejected/`. */
  doneFolder?: string;
}

export interface ScanOptions {
  /** Files modified more recently than this are still being written and wait, in ms; 2000. */
  settleMs?: number;
  /** Larger files are rejected, in bytes; default 25 MiB (config intake.maxFileBytes). */
  maxFileBytes?: number;
  /** The clock, in ms since the epoch; tests pass a fixed one. Default `Date.now`. */
  nowMs?: () => number;
}

export interface ScanResult {
  accepted: number;
  rejected: number;
  /** Files left for a later pass because they were still being written. */
  waiting: number;
}

const DEFAULT_SETTLE_MS = 2000;
const DEFAULT_MAX_FILE_BYTES = 25 * 1024 * 1024;

/**
 * One pass over a drop folder: every regular file that has settled is handed to the sink and,
 * when `doneFolder` is set, moved out of the way. Dotfiles (editors' and rsync's temporaries),
 * folders and symlinks (which could point anywhere) are ignored. Without `doneFolder` files stay
 * and are handed on again next pass, which the sink's storage by SHA-256 makes harmless.
 */
export async function scanDropFolder(
  folder: DropFolder,
  sink: FolderSink,
  logger: Logger,
  options: ScanOptions = {},
): Promise<ScanResult> {
  const log = logger.child({ bot: 'intake-folder' });
  const result: ScanResult = { accepted: 0, rejected: 0, waiting: 0 };
  const nowMs = (options.nowMs ?? Date.now)();
  const entries = await readdir(folder.path, { withFileTypes: true });
  const names = entries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name);
  for (const name of names.sort()) {
    const fullPath = path.resolve(folder.path, name);
    const stats = await lstat(fullPath).catch(() => undefined);
    if (!stats?.isFile()) continue; // gone or replaced since readdir
    if (nowMs - stats.mtimeMs < (options.settleMs ?? DEFAULT_SETTLE_MS)) {
      result.waiting += 1;
      continue;
    }
    const verdict = await handleFile(fullPath, sink, log, options);
    result[verdict] += 1;
    if (folder.doneFolder) await moveAway(folder, fullPath, verdict);
  }
  return result;
}

async function handleFile(
  fullPath: string,
  sink: FolderSink,
  log: Logger,
  options: ScanOptions,
): Promise<'accepted' | 'rejected'> {
  try {
    const file = await readIncoming(fullPath, options.maxFileBytes);
    const verdict = await sink({ ...file, source: { kind: 'folder', path: fullPath } });
    log.info(verdict === 'accepted' ? 'File accepted' : 'File rejected', { file: fullPath });
    return verdict;
  } catch (error) {
    if (!(error instanceof BusinessError)) throw error;
    log.warn('File rejected', { file: fullPath, code: error.code, error: error.message });
    return 'rejected';
  }
}

/**
 * Reads one file for `rpa ingest FILE`.
 *
 * @throws BusinessError FILE_UNREADABLE, FILE_TOO_LARGE or UNSUPPORTED_FILE, naming the path.
 */
export async function readLocalFile(
  filePath: string,
  options: { maxFileBytes?: number } = {},
): Promise<IncomingFile & { source: CliSource }> {
  const fullPath = path.resolve(filePath);
  const file = await readIncoming(fullPath, options.maxFileBytes);
  return { ...file, source: { kind: 'cli', path: fullPath } };
}

async function readIncoming(fullPath: string, maxFileBytes = DEFAULT_MAX_FILE_BYTES) {
  const stats = await lstat(fullPath).catch((cause) => {
    throw new BusinessError('FILE_UNREADABLE', `cannot read ${fullPath}`, { cause });
  });
  if (!stats.isFile()) throw new BusinessError('FILE_UNREADABLE', `${fullPath} is not a file`);
  if (stats.size > maxFileBytes) {
    throw new BusinessError('FILE_TOO_LARGE', `${fullPath} has ${stats.size} bytes`, {
      details: { maxFileBytes },
    });
  }
  const bytes = await readFile(fullPath);
  const fileName = path.basename(fullPath);
  const mediaType = sniffInvoiceMediaType(bytes, { fileName });
  if (!mediaType) {
    throw new BusinessError('UNSUPPORTED_FILE', `${fullPath} is not a PDF, image or XML file`);
  }
  return { fileName: safeFileName(fileName, mediaType, 0), bytes, mediaType };
}

async function moveAway(folder: DropFolder, fullPath: string, verdict: 'accepted' | 'rejected') {
  const done = path.resolve(folder.path, folder.doneFolder ?? 'done');
  const targetDir = verdict === 'accepted' ? done : path.join(done, 'rejected');
  await mkdir(targetDir, { recursive: true });
  const target = await freeName(targetDir, path.basename(fullPath));
  try {
    await rename(fullPath, target);
  } catch (error) {
    // The done folder may be on another file system, where rename cannot work.
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(fullPath, target);
    await unlink(fullPath);
  }
}

/** `name.pdf`, else `name-2.pdf`, `name-3.pdf`...: a done file is never overwritten. */
async function freeName(dir: string, name: string): Promise<string> {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 1; ; n++) {
    const candidate = path.join(dir, n === 1 ? name : `${stem}-${n}${ext}`);
    if (!(await lstat(candidate).catch(() => undefined))) return candidate;
  }
}
