/**
 * Inference on the Redis queue (issue 17): frames/s through the BullMQ detection queue with 1
 * and 2 `aerie inference-worker` processes (one worker thread each, every model in
 * ../shared/models plus the image-analysis detectors), and what the queue adds to a frame's
 * time beside the analysis itself.
 *
 * A redis-server of its own; 4 vehicles, each offering its next frame (the 1024x576 street
 * picture, negative/city_street_elevated_03.jpg) as soon as its previous one is answered, so
 * the workers never wait for work. Each figure counts the frames processed in 30 s after a warm
 * frame per worker. Shared 2-core machine: the 2-worker figure is bounded by the cores left.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FrameOutcome, QueuedPipeline } from '@aerie/inference';
import { aerieBackground, nadirFrame, startRedis } from '@aerie/tests';
import { type BenchEntry, percentile, round } from './lib.ts';

const SHARED = resolve(fileURLToPath(new URL('../..', import.meta.url)), 'shared');
const MODELS_DIR = process.env.AERIE_MODELS_DIR ?? join(SHARED, 'models');
const PICTURE = join(SHARED, 'samples', 'negative', 'city_street_elevated_03.jpg');
const VEHICLES = 4;
const WINDOW_MS = 30_000;

const CAMERA = { hfovDeg: 70, width: 1024, height: 576 };
const frame = (vehicleId: string, capturedAtMs: number, bytes: Uint8Array) =>
  nadirFrame(vehicleId, capturedAtMs, bytes, CAMERA);

interface Run {
  framesPerS: number;
  /** The machine's 1-minute load average when the window closed (other work on the cores). */
  load: number;
  /** Per processed frame: submit-to-answer minus the worker's decode + detect time. */
  overheadP50Ms: number;
}

async function run(workers: number, jpeg: Uint8Array): Promise<Run> {
  const redis = await startRedis();
  const pipeline = await QueuedPipeline.start({ redisUrl: redis.url });
  const procs = Array.from({ length: workers }, (_, i) =>
    aerieBackground([
      'inference-worker',
      '--redis-url',
      redis.url,
      '--models-dir',
      MODELS_DIR,
      '--name',
      `bench-${i + 1}`,
    ]),
  );
  try {
    const end = Date.now() + 120_000;
    while ((await pipeline.depth()).workers < workers) {
      if (Date.now() > end) throw new Error(`workers not ready: ${procs.map((p) => p.output()).join('\n')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    let measuring = false;
    let stop = false;
    let processed = 0;
    const overhead: number[] = [];
    let t = 0;
    const vehicle = async (id: string) => {
      while (!stop) {
        const o: FrameOutcome = await pipeline.submit(frame(id, ++t, jpeg));
        if (o.status === 'failed') throw new Error(`bench inference-queue: ${o.error}`);
        if (measuring && o.status === 'processed') processed++;
      }
    };
    const loops = Array.from({ length: VEHICLES }, (_, i) => vehicle(`veh-${i + 1}`));
    // Warm-up: every worker has answered at least once (sessions warm) before the window opens.
    await new Promise((r) => setTimeout(r, 5000 * workers));
    measuring = true;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const elapsed = performance.now() - t0;
    const load = os.loadavg()[0] ?? 0;
    measuring = false;
    const counted = processed;
    stop = true;
    await Promise.all(loops);
    // The queue's own cost: one vehicle, frames one after another, nothing waiting ahead.
    for (let i = 0; i < 10; i++) {
      const t1 = performance.now();
      const o = await pipeline.submit(frame('veh-solo', ++t, jpeg));
      if (o.status !== 'processed') throw new Error(`bench inference-queue: solo frame ${o.status}`);
      overhead.push(performance.now() - t1 - o.decodeMs - o.detectMs);
    }
    return {
      framesPerS: counted / (elapsed / 1000),
      load,
      overheadP50Ms: percentile(
        overhead.sort((a, b) => a - b),
        50,
      ),
    };
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await pipeline.close();
    await redis.stop();
  }
}

export async function benchInferenceQueue(): Promise<BenchEntry[]> {
  const jpeg = new Uint8Array(await readFile(PICTURE));
  const one = await run(1, jpeg);
  const two = await run(2, jpeg);
  return [
    {
      name: 'inference-queue: frames/s, 1 worker process',
      value: round(one.framesPerS, 2),
      unit: 'frames/s',
      target: 'measured',
      met: one.framesPerS > 0,
      note: `every model in ../shared/models + image-analysis rules, 1 worker thread, 4 vehicles offering frames; load average ${round(one.load, 1)} on ${os.availableParallelism()} cores`,
    },
    {
      name: 'inference-queue: frames/s, 2 worker processes',
      value: round(two.framesPerS, 2),
      unit: 'frames/s',
      target: '> 1 worker',
      met: two.framesPerS > one.framesPerS,
      note: `same load; load average ${round(two.load, 1)} on ${os.availableParallelism()} cores (shared with other work)`,
    },
    {
      name: 'inference-queue: queue round trip beside the analysis, p50 (1 worker)',
      value: round(one.overheadP50Ms, 1),
      unit: 'ms',
      target: '< 50',
      met: one.overheadP50Ms < 50,
      note: 'one frame at a time: submit to answer minus the worker-measured decode + detect time, JPEG ~95 KB in the job',
    },
  ];
}
