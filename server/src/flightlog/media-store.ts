/**
 * Content-addressed media: the bytes live in `<dataDir>/media/<sha256>`, the `media` table keeps
 * kind, MIME type and size. Storing the same bytes twice keeps one file and one row, so a
 * bridge that resends a tlog after a reconnect costs nothing.
 */
import { createHash } from 'node:crypto';
import type { ReadStream } from 'node:fs';
import { createReadStream, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { media } from '../db/schema.ts';

/** Metadata of one stored object. */
export interface MediaInfo {
  sha256: string;
  kind: string;
  mime: string;
  bytes: number;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export class MediaStore {
  /** Folder holding the files (`<dataDir>/media`). */
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'media');
  }

  /**
   * Stores `bytes` and records them in `db` (which may be a transaction handle); answers the
   * SHA-256 (lower-case hex) that names them. The file is written to a temporary name and
   * renamed, so a reader never sees half a file under its final name.
   */
  async put(db: Db, bytes: Uint8Array, meta: { kind: string; mime: string }): Promise<MediaInfo> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const file = this.pathOf(sha256);
    if (!this.hasFile(sha256)) {
      mkdirSync(this.dir, { recursive: true });
      const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, file);
    }
    const info: MediaInfo = { sha256, kind: meta.kind, mime: meta.mime, bytes: bytes.byteLength };
    await db
      .insert(media)
      .values({ ...info, createdAt: new Date() })
      .onConflictDoNothing({ target: media.sha256 });
    return info;
  }

  /** The metadata row, or null when unknown. */
  async info(db: Db, sha256: string): Promise<MediaInfo | null> {
    if (!SHA256_HEX.test(sha256)) return null;
    const [row] = await db.select().from(media).where(eq(media.sha256, sha256));
    return row ? { sha256: row.sha256, kind: row.kind, mime: row.mime, bytes: row.bytes } : null;
  }

  /** A read stream of the file, or null when the file is missing. */
  open(sha256: string): ReadStream | null {
    if (!this.hasFile(sha256)) return null;
    return createReadStream(this.pathOf(sha256));
  }

  /** Where the file of `sha256` lives (whether or not it exists). */
  pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a SHA-256 hex digest: ${sha256}`);
    return path.join(this.dir, sha256);
  }

  private hasFile(sha256: string): boolean {
    try {
      return statSync(this.pathOf(sha256)).isFile();
    } catch {
      return false;
    }
  }
}
