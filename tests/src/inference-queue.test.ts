/**
 * Detection jobs on the Redis queue (issue 17), on real parts: a redis-server of its own, the
 * server's QueuedPipeline, `aerie inference-worker` processes (or the same worker in this
 * process where killing it is not the point), the real models and real fire photos.
 *
 * - a frame goes to a worker and comes back with its findings;
 * - back-pressure: at most one waiting job per vehicle, older frames answered `skipped` and
 *   counted, queue depth and workers readable;
 * - a worker process killed with -9 while it holds a job: the job's lock runs out, a second
 *   worker completes it, and the detection loop files its findings once;
 * - the server built with a Redis URL reports the queue in /api/health, and refuses to start
 *   when Redis is unreachable, naming it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { GeoFinding } from '@aerie/contracts';
import {
  type FrameOutcome,
  QueuedPipeline,
  type RunningInferenceWorker,
  startInferenceWorker,
} from '@aerie/inference';
import { build, DetectionLoop } from '@aerie/server';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aerie, aerieBackground } from './cli.ts';
import { nadirFrame } from './frames.ts';
import { Teardown, waitFor } from './harness.ts';
import { startRedis, type TestRedis } from './redis.ts';

const SHARED = path.resolve(import.meta.dirname, '../../../shared');
const MODELS = path.join(SHARED, 'models');
const FIRE = path.join(SHARED, 'samples', 'fire_smoke', 'fire_flare_smoke_02.jpg');

const teardown = new Teardown();
let redis: TestRedis;
let fire: Uint8Array;

beforeAll(async () => {
  redis = teardown.add(await startRedis(), (r) => r.stop());
  fire = new Uint8Array(await readFile(FIRE));
});
afterAll(() => teardown.run());

const frame = (vehicleId: string, capturedAtMs: number, bytes: Uint8Array = fire) =>
  nadirFrame(vehicleId, capturedAtMs, bytes);

let queues = 0;
const queueName = () => `test-detection-${++queues}`;

async function producer(name: string): Promise<QueuedPipeline> {
  return teardown.add(await QueuedPipeline.start({ redisUrl: redis.url, queueName: name }), (p) => p.close());
}

async function inProcessWorker(name: string, workerName: string): Promise<RunningInferenceWorker> {
  return teardown.add(
    await startInferenceWorker({
      redisUrl: redis.url,
      modelsDir: MODELS,
      queueName: name,
      name: workerName,
    }),
    (w) => w.close(),
  );
}

describe('inference queue', { timeout: 180_000 }, () => {
  it('a frame goes to a worker and comes back with its fire/smoke findings', async () => {
    const q = queueName();
    const pipeline = await producer(q);
    await inProcessWorker(q, 'w-one');
    const outcome = (await pipeline.submit(frame('veh-a', 1000))) as FrameOutcome & { worker?: string };
    expect(outcome.status, JSON.stringify(outcome)).toBe('processed');
    if (outcome.status !== 'processed') return;
    expect(outcome.worker).toBe('w-one');
    expect(outcome.frame.vehicleId).toBe('veh-a');
    expect(outcome.findings.some((f) => f.category === 'fire_smoke')).toBe(true);
    expect(await pipeline.depth()).toMatchObject({ ok: true, waiting: 0, active: 0, workers: 1 });
  });

  it('keeps one waiting job per vehicle, newest wins, and counts the dropped frames', async () => {
    const q = queueName();
    const pipeline = await producer(q);
    const a = [1, 2, 3, 4, 5].map((i) => pipeline.submit(frame('veh-a', i * 500)));
    const b = [1, 2].map((i) => pipeline.submit(frame('veh-b', i * 500)));
    // No worker yet: every older frame is replaced on the queue while it waits.
    const dropped = await Promise.all([...a.slice(0, 4), b[0]!]);
    expect(dropped.map((o) => o.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(await pipeline.depth()).toMatchObject({ ok: true, waiting: 2, active: 0, workers: 0 });
    expect(pipeline.outstandingCount()).toBe(2);

    await inProcessWorker(q, 'w-late');
    const [lastA, lastB] = await Promise.all([a[4]!, b[1]!]);
    expect(lastA).toMatchObject({ status: 'processed', frame: { vehicleId: 'veh-a', capturedAtMs: 2500 } });
    expect(lastB).toMatchObject({ status: 'processed', frame: { vehicleId: 'veh-b', capturedAtMs: 1000 } });
    expect(pipeline.stats()).toEqual({
      'veh-a': { submitted: 5, processed: 1, skipped: 4, failed: 0 },
      'veh-b': { submitted: 2, processed: 1, skipped: 1, failed: 0 },
    });
  });

  it('a worker killed with -9 holding a job: a second worker completes it and its findings are filed once', async () => {
    // A large frame keeps the first worker busy for a while (decode and pixel rules on 4096x4096).
    const big = new Uint8Array(
      await sharp(fire).resize(4096, 4096, { kernel: 'nearest' }).jpeg({ quality: 90 }).toBuffer(),
    );
    const pipeline = await producer('aerie-detection'); // the CLI's queue
    const outcomes: (FrameOutcome & { worker?: string })[] = [];
    const filed: GeoFinding[] = [];
    const loop = new DetectionLoop({
      pipeline: {
        submit: async (f) => {
          const o = await pipeline.submit(f);
          outcomes.push(o);
          return o;
        },
      },
      intake: (f) => {
        filed.push(f);
        return { kind: 'ignored', reason: 'BelowTriage' };
      },
      filing: { minFrames: 1 },
    });

    const workerArgs = (name: string) => [
      'inference-worker',
      '--redis-url',
      redis.url,
      '--models-dir',
      MODELS,
      '--name',
      name,
    ];
    const first = aerieBackground(workerArgs('w-doomed'));
    teardown.defer(() =>
      first.child.exitCode === null && first.child.signalCode === null ? first.stop() : null,
    );
    await waitFor(() => first.output().includes('ready on'), 90_000, `w-doomed ready: ${first.output()}`);

    const done = loop.offer(frame('veh-k', 7000, big));
    await (async () => {
      const end = Date.now() + 30_000;
      while ((await pipeline.depth()).active !== 1) {
        if (Date.now() > end) throw new Error(`the job never became active: ${first.output()}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    const second = aerieBackground(workerArgs('w-rescue'));
    teardown.defer(() => second.stop());
    await done;
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ status: 'processed', worker: 'w-rescue' });
    expect(second.output()).toMatch(/ready on/);
    expect(filed.length).toBeGreaterThan(0);
    expect(filed.every((f) => f.category === 'fire_smoke' || f.vehicleId === 'veh-k')).toBe(true);
    const filedOnce = filed.length;
    // Nothing else answers for that frame later (the dead worker cannot, the rescued job is gone).
    await new Promise((r) => setTimeout(r, 3000));
    expect(filed).toHaveLength(filedOnce);
    expect(loop.stats).toMatchObject({ submitted: 1, processed: 1, skipped: 0, failed: 0 });
    expect(await pipeline.depth()).toMatchObject({ waiting: 0, active: 0, workers: 1 });
    expect(await second.stop()).toBe(0);
    expect(second.output()).toMatch(/stopped after 1 frame/);
  });

  it('the server with a Redis URL reports the queue in /api/health; without Redis it will not start', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-queue-server-'));
    teardown.defer(() => rm(dir, { recursive: true, force: true }));
    const app = await build({
      announce: () => {},
      config: {
        dataDir: dir,
        logLevel: 'silent',
        adminPassword: 'queue-health-admin',
        detection: { enabled: true, redisUrl: redis.url },
      },
    });
    teardown.add(app, (a) => a.close());
    const health = (await app.inject({ method: 'GET', url: '/api/health' })).json();
    expect(health.detection).toEqual({
      mode: 'queue',
      frames: { submitted: 0, processed: 0, dropped: 0, failed: 0 },
      queue: { ok: true, waiting: 0, active: 0, workers: expect.any(Number) },
    });

    const dead = await redisNobodyListensOn();
    await expect(
      build({
        announce: () => {},
        config: {
          dataDir: dir,
          logLevel: 'silent',
          adminPassword: 'queue-health-admin',
          detection: { enabled: true, redisUrl: dead },
        },
      }),
    ).rejects.toThrow(
      /detection\.redisUrl: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+\/?: ECONNREFUSED/,
    );
  });

  it('aerie inference-worker names what is missing: Redis unreachable, no Redis URL, no models folder', async () => {
    const dead = await redisNobodyListensOn();
    const unreachable = await aerie(['inference-worker', '--redis-url', dead, '--no-models']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+\/?: ECONNREFUSED/);
    const noUrl = await aerie(['inference-worker']);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toMatch(/give --redis-url or set AERIE_REDIS_URL/);
    const noModels = await aerie([
      'inference-worker',
      '--redis-url',
      redis.url,
      '--models-dir',
      '/nonexistent/models',
    ]);
    expect(noModels.code).toBe(2);
    expect(noModels.stderr).toMatch(/models folder \/nonexistent\/models does not exist/);
  });

  it('a worker with a models folder in which no model loads refuses to start, naming the files', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'aerie-no-models-'));
    teardown.defer(() => rm(empty, { recursive: true, force: true }));
    await expect(
      startInferenceWorker({ redisUrl: redis.url, modelsDir: empty, queueName: queueName() }),
    ).rejects.toThrow(new RegExp(`no model in ${empty} could be loaded \\(.*model file not found`));
  });
});

/** A redis:// URL on a port nothing listens on (a stopped redis-server's). */
async function redisNobodyListensOn(): Promise<string> {
  const r = await startRedis();
  await r.stop();
  return r.url;
}
