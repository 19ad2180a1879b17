/**
 * The detection pipeline: frames in, findings out, models in worker threads.
 *
 *   submit(frame) -> checkFrame -> LatestPerVehicle (one waiting frame per vehicle, newest wins)
 *                 -> the vehicle's worker when it is idle -> decode + every detector -> outcome
 *
 * The caller's event loop only checks frames, copies their bytes to a worker and routes
 * answers; no pixel is touched and no model runs on it. When frames come faster than the
 * workers finish them, older waiting frames are answered `skipped` and counted; nothing queues
 * without bound. A worker that dies fails its frame and is replaced.
 */

import { Worker } from 'node:worker_threads';
import type { DetectorRef, Frame, FrameMeta } from '@aerie/contracts';
import { checkFrame } from '@aerie/contracts';
import type { AnalysisSettings } from '../assemble.ts';
import type { ModelLoadFailure, RegistryConfig } from '../registry.ts';
import { LatestPerVehicle, type VehicleStats } from './latest-per-vehicle.ts';
import type { FrameDetections, JobImage, JobRequest, WorkerInit, WorkerMessage } from './messages.ts';

export interface PipelineOptions {
  /** ONNX models to run (null: none). */
  registry: RegistryConfig | null;
  /** Image-analysis detectors' settings, or null to run none (default: all of them). */
  analysis?: AnalysisSettings | null;
  /** Worker threads (default 1). */
  workers?: number;
  /** intraOpNumThreads per ONNX session (default 1). */
  threadsPerSession?: number;
  /** Place key for stateful detectors, from the frame (default: none). */
  placeKey?: (frame: FrameMeta) => string | undefined;
}

export type FrameOutcome =
  | ({ status: 'processed'; frame: FrameMeta } & FrameDetections)
  | { status: 'skipped'; frame: FrameMeta }
  | { status: 'failed'; frame: FrameMeta | null; error: string };

export interface PipelineReady {
  detectors: DetectorRef[];
  failed: ModelLoadFailure[];
}

interface Pending {
  frame: Frame;
  /** Given with the frame (a queued job carries its own); else `opts.placeKey(frame)`. */
  placeKey?: string | undefined;
  resolve: (o: FrameOutcome) => void;
}

interface Slot {
  worker: Worker;
  /** Became ready once: only such a worker is replaced when it dies (no respawn loop). */
  started: boolean;
  busy: { id: number; vehicleId: string; pending: Pending } | null;
  ready: Promise<PipelineReady>;
}

const BOOTSTRAP = new URL('./worker-bootstrap.mjs', import.meta.url);

function metaOf(frame: Frame): FrameMeta {
  const { image: _image, ...meta } = frame;
  return meta;
}

/** Copies the frame's pixels so the caller may reuse its buffer; the copy is moved, not cloned. */
function jobImage(frame: Frame): { image: JobImage; transfer: ArrayBuffer[] } {
  const bytes = new Uint8Array(frame.image.bytes);
  const image: JobImage =
    frame.image.kind === 'rgb'
      ? { kind: 'rgb', bytes, width: frame.image.width, height: frame.image.height }
      : { kind: 'encoded', bytes };
  return { image, transfer: [bytes.buffer as ArrayBuffer] };
}

export class Pipeline {
  private readonly queue: LatestPerVehicle<Pending>;
  private readonly slots: Slot[] = [];
  private readonly init: WorkerInit;
  private nextId = 1;
  private closed = false;
  /** Resolves when every worker has loaded its detectors. */
  readonly ready: Promise<PipelineReady>;

  constructor(private readonly opts: PipelineOptions) {
    const workers = opts.workers ?? 1;
    this.queue = new LatestPerVehicle<Pending>(workers);
    this.init = {
      registry: opts.registry,
      threads: opts.threadsPerSession ?? 1,
      analysis: opts.analysis === undefined ? {} : opts.analysis,
    };
    for (let i = 0; i < workers; i++) this.slots.push(this.spawn(i));
    this.ready = Promise.all(this.slots.map((s) => s.ready)).then((all) => all[0]!);
  }

  private spawn(index: number): Slot {
    const worker = new Worker(BOOTSTRAP, { workerData: this.init });
    let readyResolve!: (r: PipelineReady) => void;
    let readyReject!: (e: Error) => void;
    const ready = new Promise<PipelineReady>((res, rej) => {
      readyResolve = res;
      readyReject = rej;
    });
    ready.catch(() => {}); // observed through `this.ready` for the first workers
    const slot: Slot = { worker, started: false, busy: null, ready };
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'ready') {
        slot.started = true;
        readyResolve({ detectors: m.detectors, failed: m.failed });
        this.pump(index);
      } else if (m.type === 'init-failed') {
        readyReject(new Error(`inference worker failed to start: ${m.error}`));
      } else this.answer(index, m);
    });
    worker.on('error', (err) => readyReject(err));
    worker.on('exit', (code) => {
      readyReject(new Error(`inference worker exited (code ${code}) before it was ready`));
      if (this.closed || this.slots[index]?.worker !== worker) return;
      const lost = slot.busy;
      slot.busy = null;
      if (lost) {
        this.queue.done(lost.vehicleId, 'failed');
        lost.pending.resolve({
          status: 'failed',
          frame: metaOf(lost.pending.frame),
          error: `inference worker exited (code ${code}) while processing this frame`,
        });
      }
      if (slot.started) this.slots[index] = this.spawn(index);
    });
    return slot;
  }

  private answer(index: number, m: Exclude<WorkerMessage, { type: 'ready' | 'init-failed' }>): void {
    const slot = this.slots[index]!;
    const busy = slot.busy;
    if (!busy || busy.id !== m.id) return;
    slot.busy = null;
    const frame = metaOf(busy.pending.frame);
    if (m.type === 'result') {
      this.queue.done(busy.vehicleId, 'processed');
      busy.pending.resolve({
        status: 'processed',
        frame,
        width: m.width,
        height: m.height,
        findings: m.findings,
        errors: m.errors,
        decodeMs: m.decodeMs,
        detectMs: m.detectMs,
      });
    } else {
      this.queue.done(busy.vehicleId, 'failed');
      busy.pending.resolve({ status: 'failed', frame, error: m.error });
    }
    this.pump(index);
  }

  /** Gives an idle worker the next waiting frame of its vehicles. */
  private pump(index: number): void {
    const slot = this.slots[index];
    if (this.closed || !slot || slot.busy) return;
    const next = this.queue.take(index);
    if (!next) return;
    const id = this.nextId++;
    slot.busy = { id, vehicleId: next.vehicleId, pending: next.item };
    const frame = next.item.frame;
    const { image, transfer } = jobImage(frame);
    const job: JobRequest = {
      type: 'job',
      id,
      image,
      ctx: {
        vehicleId: frame.vehicleId,
        capturedAtMs: frame.capturedAtMs,
        placeKey: next.item.placeKey ?? this.opts.placeKey?.(frame),
        frame: metaOf(frame),
      },
    };
    slot.worker.postMessage(job, transfer);
  }

  /**
   * Offers a frame. Resolves when it is processed or failed, or `skipped` as soon as a newer
   * frame of the same vehicle replaces it while it waits. Frames submitted in one burst
   * (same tick) coalesce to the newest before any is dispatched. `placeKey` overrides the
   * pipeline's `placeKey` option for this frame (a queued job names its own).
   */
  submit(value: Frame, opts: { placeKey?: string } = {}): Promise<FrameOutcome> {
    const checked = checkFrame(value);
    if (!checked.ok) {
      const v = value as Partial<Frame> | null;
      const vehicleId = typeof v?.vehicleId === 'string' && v.vehicleId ? v.vehicleId : '(unknown)';
      this.queue.refuse(vehicleId);
      return Promise.resolve({ status: 'failed', frame: null, error: checked.error.message });
    }
    if (this.closed)
      return Promise.resolve({ status: 'failed', frame: metaOf(value), error: 'pipeline closed' });
    const frame = checked.frame;
    return new Promise<FrameOutcome>((resolve) => {
      const older = this.queue.offer(frame.vehicleId, { frame, placeKey: opts.placeKey, resolve });
      older?.resolve({ status: 'skipped', frame: metaOf(older.frame) });
      const worker = this.queue.workerFor(frame.vehicleId);
      queueMicrotask(() => this.pump(worker));
    });
  }

  /** Per vehicle: frames submitted, processed, skipped (replaced by a newer one) and failed. */
  stats(): Record<string, VehicleStats> {
    return this.queue.stats();
  }

  /** Frames waiting (at most one per vehicle) and in flight (at most one per worker). */
  backlog(): { waiting: number; inFlight: number } {
    return { waiting: this.queue.waitingCount(), inFlight: this.queue.inFlightCount() };
  }

  /** Stops the workers; frames still waiting or in flight are answered `failed`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.queue.drain())
      p.resolve({ status: 'failed', frame: metaOf(p.frame), error: 'pipeline closed' });
    for (const slot of this.slots) {
      if (slot.busy)
        slot.busy.pending.resolve({
          status: 'failed',
          frame: metaOf(slot.busy.pending.frame),
          error: 'pipeline closed',
        });
      slot.busy = null;
      await slot.worker.terminate();
    }
  }
}

/** Starts a pipeline and waits until its workers have loaded their detectors. */
export async function startPipeline(
  opts: PipelineOptions,
): Promise<{ pipeline: Pipeline; ready: PipelineReady }> {
  const pipeline = new Pipeline(opts);
  try {
    return { pipeline, ready: await pipeline.ready };
  } catch (err) {
    await pipeline.close();
    throw err;
  }
}
