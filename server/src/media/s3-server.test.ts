/**
 * The server on an S3 media store (s3rver on a free port; why s3rver, see `test/s3-server.ts`):
 * evidence a ticket stores lands in the bucket and not in the data folder, is served to a user
 * from there, and `aerie evidence verify` checks the chain against the bucket (OK, then a changed
 * and a removed object). A store that cannot be used stops the start with a message naming the
 * bucket and endpoint. Credentials reach the SDK the standard way, AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY in the environment.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../app.ts';
import { runCli } from '../test/cli.ts';
import { testDatabaseUrl } from '../test/database.ts';
import { testFinding } from '../test/findings.ts';
import { type Harness, startHarness, tempDataDir } from '../test/harness.ts';
import { S3RVER_CREDENTIALS, startS3, type TestS3 } from '../test/s3-server.ts';
import { S3MediaStore } from './s3-store.ts';

const PREFIX = 'district/nanhai';
let s3: TestS3;
let h: Harness;
let bucket: S3MediaStore;
/** On PostgreSQL the CLI finds the server's database as the server did: AERIE_DATABASE_URL. */
let databaseUrl: string | undefined;
const saved: Record<string, string | undefined> = {};
const frames: Buffer[] = [];
const shas: string[] = [];
let ticketId = '';

const mediaConfig = () => ({
  url: `s3://${s3.bucket}/${PREFIX}`,
  s3: { endpoint: s3.endpoint, pathStyle: true },
});
const env = (over: Record<string, string> = {}) => ({
  ...process.env,
  AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
  AERIE_MEDIA_URL: `s3://${s3.bucket}/${PREFIX}`,
  AERIE_S3_ENDPOINT: s3.endpoint,
  AERIE_S3_PATH_STYLE: 'true',
  AERIE_DATABASE_URL: databaseUrl ?? '',
  ...over,
});

const cli = runCli;

beforeAll(async () => {
  s3 = await startS3();
  for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) saved[k] = process.env[k];
  process.env.AWS_ACCESS_KEY_ID = S3RVER_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = S3RVER_CREDENTIALS.secretAccessKey;
  bucket = new S3MediaStore({
    bucket: s3.bucket,
    prefix: PREFIX,
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
  });
  h = await startHarness({ config: { media: mediaConfig() }, tickets: { sweepEveryMs: 0 } });
  databaseUrl = await testDatabaseUrl(h.dir);
  const token = await h.userToken('command_centre');
  for (const [i, lat] of [30, 30.01].entries()) {
    const frame = Buffer.from(`evidence frame ${i} on S3`);
    frames.push(frame);
    const res = await h.req('POST', '/api/findings', {
      token,
      body: {
        finding: testFinding(h.clock.t, { lat }),
        frame: { mime: 'image/jpeg', dataBase64: frame.toString('base64') },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    ticketId = res.json().ticket.id;
    const page = await h.req('GET', `/api/tickets/${ticketId}`, { token });
    shas.push(page.json().evidence[0].fileSha256);
  }
}, 60_000);

afterAll(async () => {
  await h?.close();
  bucket?.close();
  await s3?.close();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('evidence on S3', () => {
  it('is stored in the bucket under the prefix, not in the data folder', async () => {
    expect(await bucket.list('')).toEqual([...shas].sort());
    for (const sha of shas) expect(existsSync(path.join(h.dir, 'media', sha))).toBe(false);
    expect(Buffer.from((await bucket.getBytes(shas[0]!))!).equals(frames[0]!)).toBe(true);
    expect((await bucket.head(shas[0]!))?.contentType).toBe('image/jpeg');
  });

  it('is served to a user from the bucket with its media type', async () => {
    const token = await h.userToken('command_centre');
    const page = await h.req('GET', `/api/tickets/${ticketId}`, { token });
    const [ev] = page.json().evidence;
    const res = await h.req('GET', `/api/tickets/${ticketId}/evidence/${ev.seq}`, { token });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['x-aerie-evidence']).toBe('original');
    expect(res.rawPayload.equals(frames[1]!)).toBe(true);
  });

  it('answers 404 naming the file when the object is gone from the bucket', async () => {
    const token = await h.userToken('command_centre');
    const proof = await h.app.inject({
      method: 'POST',
      url: `/api/tickets/${ticketId}/evidence?kind=proof`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' },
      payload: Buffer.from('a proof photo, removed from the bucket later'),
    });
    expect(proof.statusCode, proof.body).toBe(201);
    const { seq, fileSha256 } = proof.json();
    await bucket.delete(fileSha256);
    const res = await h.req('GET', `/api/tickets/${ticketId}/evidence/${seq}`, { token });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toBe(`evidence file ${fileSha256} is missing from the media store`);
    // Put back, so the chain below is whole again.
    await bucket.put(fileSha256, Buffer.from('a proof photo, removed from the bucket later'), 'image/png');
    shas.push(fileSha256);
  });
});

describe('aerie evidence verify against the bucket', () => {
  it('reports OK, then the changed object, then the removed one', async () => {
    await h.close({ keepDir: true });
    const ok = await cli(['evidence', 'verify', '--data-dir', h.dir], env());
    expect(ok.err).toBe('');
    expect(ok.out.trim()).toBe('evidence chain OK: 3 records verified');
    expect(ok.code).toBe(0);

    await bucket.put(shas[1]!, Buffer.from('evidence frame 1 on S3, edited'), 'image/jpeg');
    const changed = await cli(['evidence', 'verify', '--data-dir', h.dir], env());
    expect(changed.out).toMatch(
      new RegExp(
        `^evidence chain TAMPERED: FileChanged: evidence record 2 \\(ticket [0-9a-f-]+\\): file ${shas[1]} now hashes to`,
      ),
    );
    expect(changed.code).toBe(1);

    await bucket.delete(shas[1]!);
    const missing = await cli(['evidence', 'verify', '--data-dir', h.dir], env());
    expect(missing.out).toMatch(/^evidence chain TAMPERED: FileMissing: evidence record 2 .*is missing/);
    expect(missing.code).toBe(1);

    // Without the S3 configuration the local folder is checked, where these files never were.
    const local = await cli(['evidence', 'verify', '--data-dir', h.dir], env({ AERIE_MEDIA_URL: '' }));
    expect(local.out).toMatch(/FileMissing: evidence record 1 /);
    // Four CLI processes: each starts tsx, 10-20 s on a loaded 2-core machine.
  }, 240_000);

  it('names the endpoint when it cannot reach it, and never prints the secret', async () => {
    const r = await cli(
      ['evidence', 'verify', '--data-dir', h.dir],
      env({
        AERIE_S3_ENDPOINT: 'http://127.0.0.1:1',
        AWS_SECRET_ACCESS_KEY: 'a-secret-never-printed',
        // The SDK's own retries (3 by default, with back-off) are not what is tested here.
        AWS_MAX_ATTEMPTS: '1',
      }),
    );
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(
      `media store s3://${s3.bucket}/${PREFIX} at http://127.0.0.1:1: endpoint unreachable for bucket "${s3.bucket}" (ECONNREFUSED)`,
    );
    expect(r.err + r.out).not.toContain('a-secret-never-printed');
  }, 90_000);
});

describe('start-up on a store that cannot be used', () => {
  it('stops with the missing bucket and the endpoint named', async () => {
    const dir = await tempDataDir();
    try {
      await expect(
        build({
          announce: () => {},
          config: {
            dataDir: dir,
            logLevel: 'silent',
            media: { url: 's3://no-such-bucket/x', s3: { endpoint: s3.endpoint, pathStyle: true } },
          },
        }),
      ).rejects.toThrow(
        `media store s3://no-such-bucket/x at ${s3.endpoint}: bucket "no-such-bucket" does not exist`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops with refused credentials named', async () => {
    const dir = await tempDataDir();
    const key = process.env.AWS_ACCESS_KEY_ID;
    process.env.AWS_ACCESS_KEY_ID = 'NOT-S3RVER';
    try {
      await expect(
        build({ announce: () => {}, config: { dataDir: dir, logLevel: 'silent', media: mediaConfig() } }),
      ).rejects.toThrow(`credentials refused for bucket "${s3.bucket}" (HTTP 403)`);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = key;
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses an AERIE_MEDIA_URL that is not s3:// or file://', async () => {
    await expect(
      build({ announce: () => {}, config: { dataDir: '/nonexistent-aerie', media: { url: 'ftp://x/y' } } }),
    ).rejects.toThrow('AERIE_MEDIA_URL must be s3://bucket/prefix or file:///path, got ftp://x/y');
  });
});
