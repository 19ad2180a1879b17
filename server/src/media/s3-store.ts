/**
 * The media store on S3-compatible object storage (AWS S3, MinIO, Ceph RGW, ...) through the
 * official `@aws-sdk/client-s3`, so several server nodes see the same files. Keys are stored
 * under `prefix/`; large files go up as multipart uploads (`@aws-sdk/lib-storage`).
 *
 * Credentials come from the SDK's standard chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY,
 * a profile, an instance role); they are never logged and never part of an error message.
 */
import { createReadStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  checkKey,
  checkRange,
  type MediaObjectInfo,
  type MediaRange,
  type MediaRead,
  type MediaStore,
  MediaStoreError,
  readAll,
} from './store.ts';

export interface S3MediaOptions {
  bucket: string;
  /** Key prefix inside the bucket ('' for none), without leading or trailing `/`. */
  prefix: string;
  /** Endpoint URL of an S3-compatible server; null: AWS S3 of `region`. */
  endpoint: string | null;
  region: string;
  /** Path-style addressing (`http://host/bucket/key`), which MinIO-like servers need. */
  forcePathStyle: boolean;
  /** Explicit credentials (tests); omitted: the SDK's standard chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Attempts per request (SDK default 3). */
  maxAttempts?: number;
}

/** Names the SDK gives errors of responses without a body (HEAD), which say nothing more than the status. */
const BODYLESS = new Set(['Error', 'Unknown', 'UnknownError', 'Forbidden', 'NotFound']);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ECONNRESET',
]);

export class S3MediaStore implements MediaStore {
  private readonly client: S3Client;

  constructor(private readonly opts: S3MediaOptions) {
    if (!opts.bucket) throw new MediaStoreError('BadUrl', 'S3 media store without a bucket');
    this.client = new S3Client({
      region: opts.region,
      forcePathStyle: opts.forcePathStyle,
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
      ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
      requestHandler: { connectionTimeout: 5000, requestTimeout: 120_000 },
    });
  }

  get location(): string {
    const where = this.opts.endpoint ?? `AWS S3 ${this.opts.region}`;
    return `s3://${this.opts.bucket}${this.opts.prefix ? `/${this.opts.prefix}` : ''} at ${where}`;
  }

  async check(): Promise<void> {
    try {
      // Answers 404 without the bucket and 403 when the credentials may not list it.
      await this.client.send(new HeadBucketCommand({ Bucket: this.opts.bucket }));
    } catch (err) {
      throw this.failure(err, 'check');
    }
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<MediaObjectInfo> {
    const Key = this.keyOf(key);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.opts.bucket,
          Key,
          Body: bytes,
          ContentType: contentType,
          ContentLength: bytes.byteLength,
        }),
      );
    } catch (err) {
      throw this.failure(err, `put ${key}`);
    }
    return { key, bytes: bytes.byteLength, contentType };
  }

  async putFile(key: string, file: string, contentType: string): Promise<MediaObjectInfo> {
    const Key = this.keyOf(key);
    const size = (await stat(file)).size;
    try {
      await new Upload({
        client: this.client,
        params: { Bucket: this.opts.bucket, Key, Body: createReadStream(file), ContentType: contentType },
      }).done();
    } catch (err) {
      throw this.failure(err, `put ${key}`);
    }
    await unlink(file);
    return { key, bytes: size, contentType };
  }

  async head(key: string): Promise<MediaObjectInfo | null> {
    try {
      const out = await this.client.send(
        new HeadObjectCommand({ Bucket: this.opts.bucket, Key: this.keyOf(key) }),
      );
      return {
        key,
        bytes: out.ContentLength ?? 0,
        contentType: out.ContentType ?? 'application/octet-stream',
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw this.failure(err, `head ${key}`);
    }
  }

  async get(key: string, range?: MediaRange): Promise<MediaRead | null> {
    let info: MediaObjectInfo | null = null;
    if (range) {
      // The range is checked against the size first, as the local folder does.
      info = await this.head(key);
      if (!info) return null;
      checkRange(range, info.bytes, key);
    }
    try {
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.opts.bucket,
          Key: this.keyOf(key),
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
      info ??= {
        key,
        bytes: out.ContentLength ?? 0,
        contentType: out.ContentType ?? 'application/octet-stream',
      };
      return { info, range: range ?? null, body: out.Body as Readable };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw this.failure(err, `get ${key}`);
    }
  }

  async getBytes(key: string): Promise<Uint8Array | null> {
    const read = await this.get(key);
    return read ? readAll(read.body) : null;
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.opts.bucket, Key: this.keyOf(key) }));
    } catch (err) {
      if (!isNotFound(err)) throw this.failure(err, `delete ${key}`);
    }
  }

  async list(prefix: string): Promise<string[]> {
    const base = this.opts.prefix ? `${this.opts.prefix}/` : '';
    const out: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.opts.bucket,
            Prefix: base + prefix,
            ContinuationToken: token,
          }),
        );
        for (const o of page.Contents ?? []) if (o.Key) out.push(o.Key.slice(base.length));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      throw this.failure(err, `list ${prefix}`);
    }
    return out.sort();
  }

  /** Closes the client's connections. */
  close(): void {
    this.client.destroy();
  }

  private keyOf(key: string): string {
    checkKey(key);
    return this.opts.prefix ? `${this.opts.prefix}/${key}` : key;
  }

  /** The SDK's error as a `MediaStoreError` naming the bucket and endpoint (never a credential). */
  private failure(err: unknown, what: string): MediaStoreError {
    const e = err as {
      name?: string;
      code?: string;
      $metadata?: { httpStatusCode?: number };
      cause?: unknown;
    };
    const status = e.$metadata?.httpStatusCode;
    const name = e.name ?? 'Error';
    const code = e.code ?? (e.cause as { code?: string } | undefined)?.code;
    const where = this.location;
    if (name === 'NoSuchBucket' || (what === 'check' && status === 404))
      return new MediaStoreError(
        'NoBucket',
        `media store ${where}: bucket "${this.opts.bucket}" does not exist`,
      );
    if (
      status === 403 ||
      ['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'CredentialsProviderError'].includes(
        name,
      )
    )
      return new MediaStoreError(
        'AccessDenied',
        name === 'CredentialsProviderError'
          ? `media store ${where}: no S3 credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)`
          : `media store ${where}: credentials refused for bucket "${this.opts.bucket}" (${BODYLESS.has(name) ? `HTTP ${status}` : name})`,
      );
    if ((code && NETWORK_CODES.has(code)) || name === 'TimeoutError' || status === undefined)
      return new MediaStoreError(
        'Unreachable',
        `media store ${where}: endpoint unreachable for bucket "${this.opts.bucket}" (${code ?? name})`,
      );
    return new MediaStoreError('StoreFailed', `media store ${where}: ${what} failed: ${name} (${status})`);
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  if (e.name === 'NoSuchBucket') return false; // a missing bucket is a failure, not a missing object
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}
