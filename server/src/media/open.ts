/**
 * Picks the media store from the configuration: the local folder `<dataDir>/media` by default,
 * another folder with `file:///path`, or S3-compatible object storage with `s3://bucket/prefix`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalMediaStore } from './local-store.ts';
import { type MediaStore, MediaStoreError } from './store.ts';

export interface MediaConfig {
  /** null: `<dataDir>/media`; `file:///path`; `s3://bucket/prefix`. */
  url: string | null;
  s3: {
    /** Endpoint of an S3-compatible server (MinIO, ...); null: AWS S3. */
    endpoint: string | null;
    region: string;
    /** Path-style addressing, which MinIO-like servers need. */
    pathStyle: boolean;
  };
}

export const DEFAULT_MEDIA_CONFIG: MediaConfig = {
  url: null,
  s3: { endpoint: null, region: 'us-east-1', pathStyle: false },
};

/** Where `url` points: parsed, or a `BadUrl` error saying what is wrong with it. */
export function parseMediaUrl(
  url: string,
): { kind: 'file'; dir: string } | { kind: 's3'; bucket: string; prefix: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new MediaStoreError('BadUrl', 'AERIE_MEDIA_URL is not a URL (s3://bucket/prefix or file:///path)');
  }
  if (u.username || u.password)
    throw new MediaStoreError(
      'BadUrl',
      'AERIE_MEDIA_URL must not carry credentials; use AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
    );
  if (u.protocol === 'file:') return { kind: 'file', dir: fileURLToPath(u) };
  if (u.protocol !== 's3:')
    throw new MediaStoreError(
      'BadUrl',
      `AERIE_MEDIA_URL must be s3://bucket/prefix or file:///path, got ${url}`,
    );
  const bucket = u.hostname;
  // S3 bucket naming rules: 3-63 lower-case letters, digits, dots and hyphens.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
    throw new MediaStoreError('BadUrl', `AERIE_MEDIA_URL names no valid S3 bucket: "${bucket}" in ${url}`);
  const prefix = decodeURIComponent(u.pathname).replace(/^\/+|\/+$/g, '');
  return { kind: 's3', bucket, prefix };
}

/**
 * The configured media store (not checked yet: call `check()` at start-up). The AWS SDK is loaded
 * only for an S3 store, so a server on the local folder never loads it (nor prints its warnings).
 */
export async function openMediaStore(
  dataDir: string,
  config: MediaConfig = DEFAULT_MEDIA_CONFIG,
): Promise<MediaStore> {
  if (!config.url) return new LocalMediaStore(path.join(dataDir, 'media'));
  const where = parseMediaUrl(config.url);
  if (where.kind === 'file') return new LocalMediaStore(where.dir);
  const { S3MediaStore } = await import('./s3-store.ts');
  return new S3MediaStore({
    bucket: where.bucket,
    prefix: where.prefix,
    endpoint: config.s3.endpoint,
    region: config.s3.region,
    forcePathStyle: config.s3.pathStyle,
  });
}
