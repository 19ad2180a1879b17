/**
 * The server's side of the detection queue: the same `submit(frame) -> FrameOutcome` as the
 * in-process pipeline, with the work done by `aerie inference-worker` processes on BullMQ.
 *
 *   submit(frame) -> (per vehicle, one at a time) remove the vehicle's waiting job, if any
 *                 -> add the job, deduplicated by vehicle with keepLastIfActive
 *                 -> a worker's answer (QueueEvents completed/failed) -> outcome
 *
 * Back-pressure, per vehicle only the newest frame matters:
 * - a job still waiting when a newer frame comes is removed (BullMQ removes only unlocked
 *   jobs) and its frame answered `skipped`;
 * - while a vehicle's job is active, BullMQ's deduplication (`keepLastIfActive`) keeps only
 *   the newest next frame and creates its job when the active one finishes, so a vehicle
 *   never has two frames in flight and its answers come in capture order;
 * - a frame replaced there is answered `skipped` when a newer frame of its vehicle is answered
 *   (outstanding.ts).
 * So the queue holds at most one waiting job per vehicle, whatever the frame rate.
 */
import { randomBytes } from 'node:crypto';
import type { Frame, FrameMeta } from '@aerie/contracts';
import { checkFrame } from '@aerie/contracts';
import { Queue, QueueEvents } from 'bullmq';
import { copyVehicleStats, type VehicleStats, vehicleStatsOf } from '../pipeline/latest-per-vehicle.ts';
import type { FrameOutcome } from '../pipeline/pipeline.ts';
import { DETECTION_JOB, DETECTION_QUEUE, encodeJob, resultToOutcome } from './job.ts';
import { Outstanding, type OutstandingEntry } from './outstanding.ts';
import { assertRedisReachable, redisOptions } from './redis.ts';

export interface QueuedPipelineOptions {
  redisUrl: string;
  /** BullMQ queue name (default `aerie-detection`). */
  queueName?: string;
  /** Place key for stateful detectors, from the frame (sent with the job). */
  placeKey?: (frame: FrameMeta) => string | undefined;
  /** A frame with no answer after this long is answered `failed` (default 60 s). */
  answerTimeoutMs?: number;
  now?: () => number;
}

/** What the queue looks like now (for the health report). */
export interface QueueDepth {
  ok: boolean;
  /** Jobs waiting for a worker (at most one per vehicle). */
  waiting: number;
  active: number;
  /** `aerie inference-worker` processes connected to the queue. */
  workers: number;
  error?: string;
}

interface Sent extends OutstandingEntry {
  frame: FrameMeta;
  resolve: (o: FrameOutcome) => void;
}

export class QueuedPipeline {
  private readonly outstanding = new Outstanding<Sent>();
  private readonly counts = new Map<string, VehicleStats>();
  /** Per vehicle, the chain of queue operations (remove the waiting job, then add). */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly prefix = randomBytes(4).toString('hex');
  private readonly sweep: NodeJS.Timeout;
  private readonly now: () => number;
  private seq = 0;
  private closed = false;

  private constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly opts: QueuedPipelineOptions,
  ) {
    this.now = opts.now ?? Date.now;
    events.on('completed', ({ jobId, returnvalue }) => this.answer(jobId, returnvalue));
    events.on('failed', ({ jobId, failedReason }) =>
      this.answer(jobId, { status: 'failed', worker: '(queue)', error: failedReason }),
    );
    const timeout = opts.answerTimeoutMs ?? 60_000;
    this.sweep = setInterval(
      () => {
        for (const s of this.outstanding.expire(this.now() - timeout))
          this.settle(s, {
            status: 'failed',
            frame: s.frame,
            error: `no inference worker answered within ${timeout} ms`,
          });
      },
      Math.min(timeout, 5000),
    );
    this.sweep.unref();
  }

  /** Connects (a clear error when Redis cannot be reached) and listens for answers. */
  static async start(opts: QueuedPipelineOptions): Promise<QueuedPipeline> {
    await assertRedisReachable(opts.redisUrl);
    const name = opts.queueName ?? DETECTION_QUEUE;
    const queue = new Queue(name, { connection: redisOptions(opts.redisUrl) });
    const events = new QueueEvents(name, { connection: redisOptions(opts.redisUrl, { blocking: true }) });
    // Errors surface as failed frames and in depth(); keep the emitters from throwing.
    queue.on('error', () => {});
    events.on('error', () => {});
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    return new QueuedPipeline(queue, events, opts);
  }

  private statsOf(vehicleId: string): VehicleStats {
    return vehicleStatsOf(this.counts, vehicleId);
  }

  private settle(s: Sent, outcome: FrameOutcome): void {
    this.statsOf(s.vehicleId)[outcome.status]++;
    s.resolve(outcome);
  }

  private answer(jobId: string, returnvalue: unknown): void {
    const { entry, dropped } = this.outstanding.answer(jobId);
    for (const d of dropped) this.settle(d, { status: 'skipped', frame: d.frame });
    if (entry) this.settle(entry, resultToOutcome(returnvalue, entry.frame));
  }

  /**
   * Offers an encoded frame. Resolves with the worker's outcome, `skipped` when a newer frame
   * of the vehicle replaced it on the queue, or `failed` (bad frame, queue unreachable, no
   * answer in time). Never rejects.
   */
  submit(value: Frame): Promise<FrameOutcome> {
    const checked = checkFrame(value);
    if (!checked.ok || value.image.kind !== 'encoded') {
      const v = value as Partial<Frame> | null;
      const vehicleId = typeof v?.vehicleId === 'string' && v.vehicleId ? v.vehicleId : '(unknown)';
      const s = this.statsOf(vehicleId);
      s.submitted++;
      s.failed++;
      return Promise.resolve({
        status: 'failed',
        frame: null,
        error: checked.ok
          ? 'frame/image: the queue takes encoded (JPEG/PNG) frames only'
          : checked.error.message,
      });
    }
    const { image: _image, ...meta } = checked.frame;
    if (this.closed) return Promise.resolve({ status: 'failed', frame: meta, error: 'pipeline closed' });
    const vehicleId = meta.vehicleId;
    this.statsOf(vehicleId).submitted++;
    const seq = ++this.seq;
    const jobId = `${this.prefix}-${seq}`;
    const data = encodeJob(checked.frame, this.opts.placeKey?.(meta));
    return new Promise<FrameOutcome>((resolve) => {
      const sent: Sent = { vehicleId, seq, sentAtMs: this.now(), frame: meta, resolve };
      this.outstanding.add(jobId, sent);
      const prev = this.chains.get(vehicleId) ?? Promise.resolve();
      const next = prev.then(() => this.enqueue(vehicleId, jobId, data));
      this.chains.set(vehicleId, next);
      void next.finally(() => {
        if (this.chains.get(vehicleId) === next) this.chains.delete(vehicleId);
      });
    });
  }

  private async enqueue(vehicleId: string, jobId: string, data: ReturnType<typeof encodeJob>): Promise<void> {
    try {
      const current = await this.queue.getDeduplicationJobId(vehicleId);
      // Removal succeeds only for a job no worker holds: a waiting frame, now stale.
      if (current && current !== jobId && (await this.queue.remove(current)) === 1) {
        const replaced = this.outstanding.remove(current);
        if (replaced) this.settle(replaced, { status: 'skipped', frame: replaced.frame });
      }
      await this.queue.add(DETECTION_JOB, data, {
        jobId,
        deduplication: { id: vehicleId, keepLastIfActive: true },
        attempts: 1,
        removeOnComplete: true,
        removeOnFail: { count: 20 },
      });
    } catch (err) {
      const lost = this.outstanding.remove(jobId);
      if (lost)
        this.settle(lost, {
          status: 'failed',
          frame: lost.frame,
          error: `detection queue: ${err instanceof Error ? err.message : String(err)}`,
        });
    }
  }

  /** Per vehicle: frames submitted, processed, skipped (dropped for a newer one) and failed. */
  stats(): Record<string, VehicleStats> {
    return copyVehicleStats(this.counts);
  }

  /** Frames sent and not answered yet (at most a few per vehicle). */
  outstandingCount(): number {
    return this.outstanding.size;
  }

  /** Queue depth and connected workers, read from Redis (`ok: false` after 2 s without an answer). */
  async depth(): Promise<QueueDepth> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const [counts, workers] = await Promise.race([
        Promise.all([this.queue.getJobCounts('wait', 'prioritized', 'active'), this.queue.getWorkersCount()]),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('Redis did not answer within 2 s')), 2000);
        }),
      ]);
      return {
        ok: true,
        waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0),
        active: counts.active ?? 0,
        workers,
      };
    } catch (err) {
      return {
        ok: false,
        waiting: 0,
        active: 0,
        workers: 0,
        error: err instanceof Error ? err.message : String(err),
      };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops listening; frames without an answer are answered `failed`. Jobs stay on the queue. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweep);
    await Promise.allSettled([...this.chains.values()]);
    for (const s of this.outstanding.drain())
      this.settle(s, { status: 'failed', frame: s.frame, error: 'pipeline closed' });
    await this.events.close();
    await this.queue.close();
  }
}
