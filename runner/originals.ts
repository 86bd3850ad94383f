import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Originals kept unchanged as evidence, addressed by their SHA-256 (`ab/abcdef...`). A file is
 * written once; a second arrival of the same bytes finds it already there. Writes go through a
 * temporary name and a rename, so a crash never leaves half a file under a real hash.
 */
export class OriginalStore {
  constructor(private readonly root: string) {}

  static hash(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`Not a SHA-256: ${sha256}`);
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  /** Stores the bytes if new and returns their hash and path. */
  put(bytes: Uint8Array): { sha256: string; storedPath: string } {
    const sha256 = OriginalStore.hash(bytes);
    const storedPath = this.pathOf(sha256);
    if (!existsSync(storedPath)) {
      mkdirSync(path.dirname(storedPath), { recursive: true });
      const temp = `${storedPath}.${process.pid}.tmp`;
      writeFileSync(temp, bytes, { mode: 0o444 });
      renameSync(temp, storedPath);
    }
    return { sha256, storedPath };
  }

  /** Reads an original and checks it still has its hash, so tampering is noticed. */
  read(sha256: string): Buffer {
    const bytes = readFileSync(this.pathOf(sha256));
    if (OriginalStore.hash(bytes) !== sha256) {
      throw new Error(`Original ${sha256} was changed on disk`);
    }
    return bytes;
  }
}
