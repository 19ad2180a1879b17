/**
 * The media store: where Aerie keeps the bytes of evidence files, detection frames, snapshots,
 * tlogs and recorded video segments. One interface, two implementations:
 *
 *  - `LocalMediaStore` (the default): a folder, `<dataDir>/media`, with the same layout as ever
 *    (content-addressed files named by their SHA-256 at the top, `video/<sortieId>/<startMs>.mp4`).
 *  - `S3MediaStore`: an S3-compatible bucket (AWS S3, MinIO, ...) under a key prefix, so several
 *    server nodes see the same files.
 *
 * Keys are relative, `/`-separated names of letters, digits, `.`, `_` and `-`; the database keeps
 * what a file is (kind, media type, size) and the key it is stored under.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

/** What the store knows of one object. */
export interface MediaObjectInfo {
  key: string;
  /** Size of the whole object in bytes. */
  bytes: number;
  /**
   * Media type. The S3 store answers what was stored with the object; the local folder keeps
   * no types and derives it from the name (`.mp4` -> video/mp4, no extension:
   * application/octet-stream), which is why callers keep the real type in the database.
   */
  contentType: string;
}

/** A byte range, both ends included (as HTTP Range counts). */
export interface MediaRange {
  start: number;
  end: number;
}

/** An object being read: its info and the bytes (the requested range, else all of them). */
export interface MediaRead {
  info: MediaObjectInfo;
  range: MediaRange | null;
  body: Readable;
}

export interface MediaStore {
  /** Where the media are, for logs and errors (`/srv/aerie/media`, `s3://bucket/prefix at http://...`); never a secret. */
  readonly location: string;
  /** Checks at start-up that the store can be used; throws `MediaStoreError` saying why not. */
  check(): Promise<void>;
  /** Stores `bytes` under `key` (replacing what was there); readers never see half an object. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<MediaObjectInfo>;
  /** Moves the local file `file` into the store under `key` (streamed; `file` is gone afterwards). */
  putFile(key: string, file: string, contentType: string): Promise<MediaObjectInfo>;
  /** Reads the object (or `range` of it); null when there is no such object. */
  get(key: string, range?: MediaRange): Promise<MediaRead | null>;
  /** The whole object in memory; null when there is no such object. */
  getBytes(key: string): Promise<Uint8Array | null>;
  /** The object's info; null when there is no such object. */
  head(key: string): Promise<MediaObjectInfo | null>;
  /** Removes the object; removing one that does not exist is not an error. */
  delete(key: string): Promise<void>;
  /** Keys that begin with `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
  /** Lets go of connections (the S3 client's sockets); the store is not used afterwards. */
  close(): void;
}

/** A store that cannot be used (bucket missing, credentials refused, endpoint unreachable, ...). */
export class MediaStoreError extends Error {
  constructor(
    readonly code:
      | 'BadKey'
      | 'BadRange'
      | 'BadUrl'
      | 'NoBucket'
      | 'AccessDenied'
      | 'Unreachable'
      | 'StoreFailed',
    message: string,
  ) {
    super(message);
    this.name = 'MediaStoreError';
  }
}

const KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

/** Throws `BadKey` unless `key` is a relative, `/`-separated name that cannot leave the store. */
export function checkKey(key: string): string {
  if (!KEY.test(key) || key.split('/').some((p) => p === '..' || p === '.'))
    throw new MediaStoreError('BadKey', `not a media key: ${JSON.stringify(key)}`);
  return key;
}

/** Throws `BadRange` unless `range` lies within an object of `size` bytes. */
export function checkRange(range: MediaRange, size: number, key: string): void {
  const { start, end } = range;
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end < size))
    throw new MediaStoreError('BadRange', `bytes ${start}-${end} outside ${key} (${size} bytes)`);
}

const TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.json': 'application/json',
  '.tlog': 'application/octet-stream',
};

/** The media type a name implies (the local folder's only source of types). */
export function typeOfName(key: string): string {
  const dot = key.lastIndexOf('.');
  const slash = key.lastIndexOf('/');
  return dot > slash
    ? (TYPES[key.slice(dot).toLowerCase()] ?? 'application/octet-stream')
    : 'application/octet-stream';
}

/** SHA-256 (lower-case hex) of a stored object, read as a stream; null when there is no such object. */
export async function sha256Of(store: MediaStore, key: string): Promise<string | null> {
  const read = await store.get(key);
  if (!read) return null;
  const hash = createHash('sha256');
  for await (const chunk of read.body) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Reads a whole stream into memory. */
export async function readAll(body: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
