/**
 * A real S3-compatible server for tests, on a free port: s3rver (npm), started in this process.
 *
 * Why s3rver and not moto: Debian's `python3-moto` is not in bookworm (apt-cache finds no such
 * package on this machine), and moto from PyPI is not reachable from these machines; s3rver
 * installs with npm like every other dependency, speaks the S3 REST API over HTTP (path-style
 * and virtual-host), refuses access key ids other than its fixed S3RVER (it does not check V4
 * signatures, so a wrong secret goes unnoticed there) and answers S3's error codes
 * (NoSuchBucket, NoSuchKey, InvalidAccessKeyId).
 * Its last release is from 2021, which is its weakness: a listing cut into pages (more keys than
 * MaxKeys) fails with a 500 on OpenSSL 3, whose default provider lacks the DES cipher s3rver
 * makes continuation tokens with, so no test here lists more than 1000 keys. Set AERIE_S3_DEBUG=1
 * to see its request log.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

/** s3rver's fixed credentials. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface TestS3 {
  endpoint: string;
  bucket: string;
  close(): Promise<void>;
}

/** Starts s3rver on 127.0.0.1 with an empty bucket `bucket`. */
export async function startS3(bucket = 'aerie-media'): Promise<TestS3> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: !process.env.AERIE_S3_DEBUG,
    directory: dir,
    configureBuckets: [{ name: bucket }],
  });
  const addr = await server.run();
  return {
    endpoint: `http://127.0.0.1:${addr.port}`,
    bucket,
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
