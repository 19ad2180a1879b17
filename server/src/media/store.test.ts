/**
 * The media store contract, run once against each implementation with the same cases: the
 * local folder and S3 (s3rver on a free port; why s3rver, see `test/s3-server.ts`). Then what
 * only one of them has: the local folder's layout, and S3's start-up errors.
 */
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3RVER_CREDENTIALS, startS3, type TestS3 } from '../test/s3-server.ts';
import { LocalMediaStore } from './local-store.ts';
import { openMediaStore, parseMediaUrl } from './open.ts';
import { S3MediaStore } from './s3-store.ts';
import { type MediaStore, MediaStoreError, readAll, sha256Of } from './store.ts';

let tmp = '';
let s3: TestS3;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'aerie-media-test-'));
  s3 = await startS3();
});
afterAll(async () => {
  await s3?.close();
  await rm(tmp, { recursive: true, force: true });
});

const s3Store = (over: Partial<ConstructorParameters<typeof S3MediaStore>[0]> = {}) =>
  new S3MediaStore({
    bucket: s3.bucket,
    prefix: 'node-a/media',
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    maxAttempts: 1,
    ...over,
  });

const implementations: [string, () => MediaStore][] = [
  ['local folder', () => new LocalMediaStore(path.join(tmp, 'local', 'media'))],
  ['S3', () => s3Store()],
];

const text = (s: string) => new Uint8Array(Buffer.from(s));

describe.each(implementations)('media store contract: %s', (_name, make) => {
  let store: MediaStore;
  beforeAll(async () => {
    store = make();
    await store.check();
  });

  it('stores bytes and reads them back whole, as a stream and in memory', async () => {
    const info = await store.put('a/one.jpg', text('first object'), 'image/jpeg');
    expect(info).toEqual({ key: 'a/one.jpg', bytes: 12, contentType: 'image/jpeg' });
    expect(Buffer.from((await store.getBytes('a/one.jpg'))!).toString()).toBe('first object');
    const read = await store.get('a/one.jpg');
    expect(read!.info).toEqual({ key: 'a/one.jpg', bytes: 12, contentType: 'image/jpeg' });
    expect(read!.range).toBeNull();
    expect(Buffer.from(await readAll(read!.body)).toString()).toBe('first object');
  });

  it('answers head with size and content type, null for a missing key', async () => {
    await store.put('video/s1/1000.mp4', text('0123456789'), 'video/mp4');
    expect(await store.head('video/s1/1000.mp4')).toEqual({
      key: 'video/s1/1000.mp4',
      bytes: 10,
      contentType: 'video/mp4',
    });
    expect(await store.head('video/s1/missing.mp4')).toBeNull();
    expect(await store.get('video/s1/missing.mp4')).toBeNull();
    expect(await store.getBytes('video/s1/missing.mp4')).toBeNull();
  });

  it('reads a byte range (both ends included) and refuses one outside the object', async () => {
    await store.put('video/s1/2000.mp4', text('abcdefghij'), 'video/mp4');
    const read = await store.get('video/s1/2000.mp4', { start: 2, end: 5 });
    expect(read!.range).toEqual({ start: 2, end: 5 });
    expect(read!.info.bytes).toBe(10);
    expect(Buffer.from(await readAll(read!.body)).toString()).toBe('cdef');
    await expect(store.get('video/s1/2000.mp4', { start: 4, end: 10 })).rejects.toMatchObject({
      code: 'BadRange',
      message: expect.stringContaining('bytes 4-10 outside video/s1/2000.mp4 (10 bytes)'),
    });
  });

  it('replaces an object put twice under one key', async () => {
    await store.put('b/x.json', text('{"v":1}'), 'application/json');
    await store.put('b/x.json', text('{"v":22}'), 'application/json');
    expect(Buffer.from((await store.getBytes('b/x.json'))!).toString()).toBe('{"v":22}');
  });

  it('moves a local file in (streamed) and removes the source', async () => {
    const src = path.join(tmp, `segment-${_name.replace(/\W/g, '')}.mp4`);
    const bytes = Buffer.alloc(300_000, 7);
    writeFileSync(src, bytes);
    const info = await store.putFile('video/s2/3000.mp4', src, 'video/mp4');
    expect(info).toEqual({ key: 'video/s2/3000.mp4', bytes: 300_000, contentType: 'video/mp4' });
    expect(existsSync(src)).toBe(false);
    expect(await sha256Of(store, 'video/s2/3000.mp4')).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('lists keys by prefix, sorted, and deletes (a missing key is no error)', async () => {
    await store.put('list/p/b', text('b'), 'application/octet-stream');
    await store.put('list/p/a', text('a'), 'application/octet-stream');
    await store.put('list/q/c', text('c'), 'application/octet-stream');
    expect(await store.list('list/p/')).toEqual(['list/p/a', 'list/p/b']);
    expect(await store.list('list/')).toEqual(['list/p/a', 'list/p/b', 'list/q/c']);
    expect(await store.list('nothing/')).toEqual([]);
    await store.delete('list/p/a');
    await store.delete('list/p/a');
    expect(await store.list('list/')).toEqual(['list/p/b', 'list/q/c']);
  });

  it('answers the SHA-256 of a stored object, null for a missing one', async () => {
    await store.put('h/k', text('hash me'), 'application/octet-stream');
    expect(await sha256Of(store, 'h/k')).toBe(createHash('sha256').update('hash me').digest('hex'));
    expect(await sha256Of(store, 'h/none')).toBeNull();
  });

  it.each(['../etc/passwd', '/abs', 'a//b', 'a/./b', '', 'sp ace', 'a/'])(
    'refuses the key %j',
    async (key) => {
      await expect(store.put(key, text('x'), 'text/plain')).rejects.toMatchObject({ code: 'BadKey' });
      await expect(store.head(key)).rejects.toThrow(MediaStoreError);
    },
  );
});

describe('local folder', () => {
  it('keeps the layout of before: content-addressed files at the top, sub-folders per key segment', async () => {
    const dir = path.join(tmp, 'layout', 'media');
    const store = new LocalMediaStore(dir);
    const sha = createHash('sha256').update('x').digest('hex');
    await store.put(sha, text('x'), 'image/jpeg');
    await store.put('video/s9/5.mp4', text('v'), 'video/mp4');
    expect(existsSync(path.join(dir, sha))).toBe(true);
    expect(existsSync(path.join(dir, 'video', 's9', '5.mp4'))).toBe(true);
    // Emptied folders go with their last file.
    await store.delete('video/s9/5.mp4');
    expect(existsSync(path.join(dir, 'video'))).toBe(false);
    expect(existsSync(dir)).toBe(true);
  });

  it('is what openMediaStore gives without a URL, and for file:// URLs', async () => {
    expect((await openMediaStore('/srv/aerie')).location).toBe(path.join('/srv/aerie', 'media'));
    expect(
      (
        await openMediaStore('/srv/aerie', {
          url: 'file:///mnt/shared/media',
          s3: { endpoint: null, region: 'x', pathStyle: false },
        })
      ).location,
    ).toBe('/mnt/shared/media');
  });
});

describe('S3 configuration and start-up errors', () => {
  it('parses s3://bucket/prefix and refuses bad URLs with the reason', () => {
    expect(parseMediaUrl('s3://aerie-media/city/nanhai/')).toEqual({
      kind: 's3',
      bucket: 'aerie-media',
      prefix: 'city/nanhai',
    });
    expect(parseMediaUrl('s3://aerie-media')).toEqual({ kind: 's3', bucket: 'aerie-media', prefix: '' });
    expect(() => parseMediaUrl('http://x/y')).toThrow(/must be s3:\/\/bucket\/prefix or file:\/\/\/path/);
    expect(() => parseMediaUrl('s3://Bad_Bucket/x')).toThrow(
      /no valid S3 bucket: "bad_bucket"|no valid S3 bucket/,
    );
    expect(() => parseMediaUrl('not a url')).toThrow(/not a URL/);
    const withSecret = () => parseMediaUrl('s3://AKIAX:TOPSECRET@aerie-media/x');
    expect(withSecret).toThrow(/must not carry credentials/);
    expect(withSecret).not.toThrow(/TOPSECRET/);
  });

  it('a missing bucket is named with the endpoint', async () => {
    const err = await s3Store({ bucket: 'no-such-bucket' })
      .check()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaStoreError);
    expect(err).toMatchObject({ code: 'NoBucket' });
    expect((err as Error).message).toBe(
      `media store s3://no-such-bucket/node-a/media at ${s3.endpoint}: bucket "no-such-bucket" does not exist`,
    );
  });

  it('refused credentials name the bucket and endpoint, never the secret', async () => {
    const store = s3Store({
      credentials: { accessKeyId: 'NOT-A-KEY', secretAccessKey: 'wrong-secret-value' },
    });
    const err = (await store.check().catch((e: unknown) => e)) as MediaStoreError;
    expect(err.message).toBe(
      `media store s3://aerie-media/node-a/media at ${s3.endpoint}: credentials refused for bucket "aerie-media" (HTTP 403)`,
    );
    expect(err.code).toBe('AccessDenied');
    expect(err.message).toContain(`credentials refused for bucket "${s3.bucket}"`);
    expect(err.message).toContain(s3.endpoint);
    expect(err.message).not.toContain('wrong-secret-value');
  });

  it('an unreachable endpoint is named', async () => {
    const store = s3Store({ endpoint: 'http://127.0.0.1:1' });
    const err = (await store.check().catch((e: unknown) => e)) as MediaStoreError;
    expect(err.code).toBe('Unreachable');
    expect(err.message).toMatch(
      /^media store s3:\/\/aerie-media\/node-a\/media at http:\/\/127\.0\.0\.1:1: endpoint unreachable for bucket "aerie-media" \(ECONNREFUSED\)$/,
    );
  });

  it('two stores on one bucket see the same objects (two server nodes)', async () => {
    const a = s3Store({ prefix: 'shared' });
    const b = s3Store({ prefix: 'shared' });
    await a.put('evidence/e1.jpg', text('seen by both'), 'image/jpeg');
    expect(Buffer.from((await b.getBytes('evidence/e1.jpg'))!).toString()).toBe('seen by both');
    // A different prefix is a different store.
    expect(await s3Store({ prefix: 'other' }).head('evidence/e1.jpg')).toBeNull();
  });
});
