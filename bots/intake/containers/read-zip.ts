import { unzipSync } from 'fflate';
import { BusinessError, RpaError } from '../../../runner/errors.ts';

/** How much a zip may hold before the intake refuses it as a likely zip bomb. */
export interface ZipLimits {
  /** Entries (files and folders) per archive, nested archives counted too; default 200. */
  maxEntries: number;
  /** Uncompressed bytes of all entries together, nested archives included; default 200 MiB. */
  maxTotalBytes: number;
  /** Uncompressed size over compressed size of one entry; default 100. */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 200,
  maxTotalBytes: 200 * 1024 * 1024,
  maxRatio: 100,
};

/** What is left of the limits while one archive and the archives inside it are opened. */
export interface ZipBudget {
  entries: number;
  bytes: number;
}

export interface ZipEntry {
  /** The name as stored in the archive, path included; never use it as a path. */
  name: string;
  bytes: Buffer;
}

/**
 * Reads every file entry of a zip, checking each entry's declared sizes against the limits
 * before a byte is inflated. A header that understates its size cannot blow up memory either:
 * the inflater writes into a buffer of the declared size and stops there.
 *
 * @param budget shared across an archive and the archives inside it, so nesting buys nothing
 * @throws BusinessError ARCHIVE_UNSAFE when a limit is exceeded or the archive is damaged
 */
export function readZip(
  bytes: Uint8Array,
  fileName: string,
  limits: ZipLimits,
  budget: ZipBudget = { entries: 0, bytes: 0 },
): ZipEntry[] {
  const check = (info: { name: string; size: number; originalSize: number }) => {
    budget.entries += 1;
    budget.bytes += info.originalSize;
    if (budget.entries > limits.maxEntries) {
      throw refuse(fileName, `more than ${limits.maxEntries} entries`);
    }
    if (budget.bytes > limits.maxTotalBytes) {
      throw refuse(fileName, `more than ${limits.maxTotalBytes} bytes uncompressed`);
    }
    const ratio = info.originalSize / Math.max(info.size, 1);
    if (info.originalSize > 1024 && ratio > limits.maxRatio) {
      throw refuse(fileName, `entry ${info.name} expands ${Math.round(ratio)}-fold`);
    }
    return !info.name.endsWith('/');
  };
  try {
    const files = unzipSync(bytes, { filter: check });
    return Object.entries(files).map(([name, data]) => ({ name, bytes: Buffer.from(data) }));
  } catch (error) {
    if (error instanceof RpaError) throw error;
    throw refuse(fileName, `damaged (${error instanceof Error ? error.message : String(error)})`);
  }
}

function refuse(fileName: string, why: string): BusinessError {
  return new BusinessError('ARCHIVE_UNSAFE', `archive ${fileName} refused: ${why}`, {
    details: { file: fileName },
  });
}

/**
 * Turns an entry's path into one file name: folders kept as a prefix so that `a/x.pdf` and
 * `b/x.pdf` stay apart, but `..`, drive letters and leading slashes dropped (zip-slip).
 */
export function flattenEntryName(name: string): string {
  const parts = name
    .replace(/^[A-Za-z]:/, '')
    .split(/[/\\]+/)
    .filter((part) => part !== '' && part !== '.' && part !== '..');
  return parts.join('_');
}
