/**
 * Content-addressed media on a `MediaStore`: the bytes are stored under their SHA-256 (lower-case
 * hex), the `media` table keeps kind, MIME type and size. Storing the same bytes twice keeps one
 * object and one row, so a bridge that resends a tlog after a reconnect costs nothing.
 */
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { media } from '../db/schema.ts';
import { type MediaRead, type MediaStore, sha256Of } from './store.ts';

/** Metadata of one stored object. */
export interface MediaInfo {
  sha256: string;
  kind: string;
  mime: string;
  bytes: number;
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;

export class MediaLibrary {
  constructor(readonly store: MediaStore) {}

  /**
   * Stores `bytes` (once: known content is not uploaded again) without recording them; answers
   * the SHA-256 that names them. For writers that record the row in their own transaction.
   */
  async storeBytes(bytes: Uint8Array, mime: string): Promise<string> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (!(await this.store.head(sha256))) await this.store.put(sha256, bytes, mime);
    return sha256;
  }

  /** Stores `bytes` and records them in `db` (which may be a transaction handle). */
  async put(db: Db, bytes: Uint8Array, meta: { kind: string; mime: string }): Promise<MediaInfo> {
    const sha256 = await this.storeBytes(bytes, meta.mime);
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

  /** Reads the object named by `sha256`; null when it is missing (or `sha256` is no digest). */
  async open(sha256: string): Promise<MediaRead | null> {
    return SHA256_HEX.test(sha256) ? this.store.get(sha256) : null;
  }

  /** The bytes named by `sha256`; null when missing. */
  async bytes(sha256: string): Promise<Uint8Array | null> {
    return SHA256_HEX.test(sha256) ? this.store.getBytes(sha256) : null;
  }

  /** What the stored object named `sha256` hashes to now (null: missing), for the evidence chain. */
  async hashOf(sha256: string): Promise<string | null> {
    return SHA256_HEX.test(sha256) ? sha256Of(this.store, sha256) : null;
  }
}
