/**
 * An inference worker process's side of the detection queue: takes frames off BullMQ, runs the
 * worker-thread pipeline on them (the same pipeline the server runs in-process without Redis)
 * and answers each job with its findings as the job's return value.
 *
 * No job is lost when a worker process dies: a job's lock lives `lockDurationMs` unless its
 * worker renews it (every half of that); another worker's stalled-job check (every
 * `stalledIntervalMs`) puts a job whose lock ran out back to waiting, once (`maxStalledCount`
 * 1; a frame that stalls two workers fails). The defaults are a few seconds because a frame
 * is stale after that; the models run in threads, so the process's event loop stays free to
 * renew locks while a frame is analysed.
 */
import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import { type PipelineReady, startPipeline } from '../pipeline/pipeline.ts';
import { DETECTION_QUEUE, type DetectionJobResult, decodeJob, outcomeToResult } from './job.ts';
import { assertRedisReachable, redisOptions } from './redis.ts';

export interface InferenceWorkerOptions {
  redisUrl: string;
  /** ONNX models folder; null runs the image-analysis detectors only. */
  modelsDir: string | null;
  /** Frames analysed at once (worker threads and BullMQ concurrency; default 1). */
  concurrency?: number;
  queueName?: string;
  /** This worker's name in answers and logs (default host:pid). */
  name?: string;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export const WORKER_DEFAULTS = { concurrency: 1, lockDurationMs: 4000, stalledIntervalMs: 2000 } as const;

export interface RunningInferenceWorker {
  name: string;
  ready: PipelineReady;
  /** Jobs answered by this process. */
  answered(): number;
  close(): Promise<void>;
}

/**
 * Checks Redis, loads the models (failing when a models folder is named and none loads) and
 * starts taking jobs.
 */
export async function startInferenceWorker(opts: InferenceWorkerOptions): Promise<RunningInferenceWorker> {
  const concurrency = opts.concurrency ?? WORKER_DEFAULTS.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16)
    throw new Error(`concurrency must be an integer 1..16, got ${concurrency}`);
  await assertRedisReachable(opts.redisUrl);
  const { pipeline, ready } = await startPipeline({
    registry: opts.modelsDir ? { modelsDir: opts.modelsDir } : null,
    workers: concurrency,
  });
  if (opts.modelsDir && !ready.detectors.some((d) => d.kind === 'onnx')) {
    await pipeline.close();
    const why = ready.failed.map((f) => `${f.name}: ${f.file}: ${f.error}`).join('; ');
    throw new Error(
      `no model in ${opts.modelsDir} could be loaded${why ? ` (${why})` : ' (folder has no models)'}`,
    );
  }
  const name = opts.name ?? `${hostname()}:${process.pid}`;
  let answered = 0;
  const worker = new Worker<unknown, DetectionJobResult>(
    opts.queueName ?? DETECTION_QUEUE,
    async (job) => {
      const decoded = decodeJob(job.data);
      const result: DetectionJobResult = decoded.ok
        ? outcomeToResult(await pipeline.submit(decoded.frame, { placeKey: decoded.placeKey }), name)
        : { status: 'failed', worker: name, error: decoded.error };
      answered++;
      opts.log?.('frame answered', {
        job: job.id,
        status: result.status,
        vehicleId: decoded.ok ? decoded.frame.vehicleId : undefined,
      });
      return result;
    },
    {
      connection: redisOptions(opts.redisUrl, { blocking: true }),
      concurrency,
      name,
      lockDuration: opts.lockDurationMs ?? WORKER_DEFAULTS.lockDurationMs,
      stalledInterval: opts.stalledIntervalMs ?? WORKER_DEFAULTS.stalledIntervalMs,
      maxStalledCount: 1,
    },
  );
  worker.on('error', (err) => opts.log?.('queue error', { error: err.message }));
  worker.on('stalled', (jobId) =>
    opts.log?.('job stalled (its worker died?), back to waiting', { job: jobId }),
  );
  await worker.waitUntilReady();
  return {
    name,
    ready,
    answered: () => answered,
    close: async () => {
      await worker.close();
      await pipeline.close();
    },
  };
}
