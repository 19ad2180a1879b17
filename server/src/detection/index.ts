/**
 * Wiring of the detection loop into the server (config `detection`, off by default): starts the
 * inference pipeline, samples the cameras of flying vehicles (the simulated cameras through
 * `video.simCameraUrl`), and hands findings to the ticket desk; the desk's events raise the
 * fire/smoke console alert (tickets/fire-alert.ts).
 *
 * With `detection.redisUrl` (AERIE_REDIS_URL) the frames go to the BullMQ detection queue and
 * `aerie inference-worker` processes analyse them; the answers come back to the same loop, so
 * findings are filed here, in one place, either way.
 */

import { readFile } from 'node:fs/promises';
import type { Frame, FrameMeta } from '@aerie/contracts';
import { type QueueDepth, QueuedPipeline, redactRedisUrl, startPipeline } from '@aerie/inference';
import { demGround, type Ground, parseAsciiGrid } from '@aerie/missions';
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../config.ts';
import type { FlightLog } from '../flightlog/flight-log.ts';
import type { LiveStateStore } from '../live/live-state-store.ts';
import type { TicketDesk } from '../tickets/desk.ts';
import type { CapturedImages } from '../video/camera-announcements.ts';
import { DetectionLoop, type DetectionLoopDeps, type DetectionStats } from './detection-loop.ts';
import { FrameSampler, type SamplerStats, stillUrlFromTemplate } from './frame-sampler.ts';
import { PoseBuffer } from './pose-at.ts';

export { DetectionLoop, type DetectionStats } from './detection-loop.ts';
export { emptyFiling, fileFrame, recordFiled, recordRefined, TICKET_FINDING_CATEGORIES } from './filing.ts';
export { FrameSampler, shouldSample, stillUrlFromTemplate } from './frame-sampler.ts';
export { interpolatePose, PoseBuffer, type PoseSample } from './pose-at.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The detection loop's counters (present when `detection.enabled`). */
    detection?: Detection;
  }
}

export interface Detection {
  /** `queue` when frames go to inference workers over Redis, else `in-process`. */
  mode: 'in-process' | 'queue';
  stats(): { sampler: SamplerStats; loop: DetectionStats; sampling: string[] };
  /** The queue's depth and connected workers (queue mode only). */
  queue?: () => Promise<QueueDepth>;
}

/** Place key for the persistence rules: a ~22 m cell of the ground under the vehicle. */
const placeKey = (f: Pick<FrameMeta, 'pose'>) =>
  `${Math.round(f.pose.lat * 5000)}:${Math.round(f.pose.lon * 5000)}`;

/** Starts the loop; stops it with the app. Resolves once the pipeline's detectors are loaded. */
export async function installDetection(
  app: FastifyInstance,
  deps: {
    config: ServerConfig;
    /** Vehicles whose camera frames are sampled here (cluster: those whose bridge is on this node). */
    liveState: Pick<LiveStateStore, 'subscribe' | 'all'>;
    desk: TicketDesk;
    flightLog: Pick<FlightLog, 'openSortieId'>;
    /** Stills the cameras reported over MAVLink, as frames with their pose. */
    capturedImages?: Pick<CapturedImages, 'on' | 'off'>;
    now: () => number;
  },
): Promise<Detection> {
  const cfg = deps.config.detection;
  const log = app.log.child({ module: 'detection' });
  const ground = cfg.demFile ? await loadDem(cfg.demFile) : undefined;
  if (cfg.demFile) log.info({ demFile: cfg.demFile }, 'findings placed on the terrain model');
  let pipeline: { submit: DetectionLoopDeps['pipeline']['submit']; close(): Promise<void> };
  let queued: QueuedPipeline | undefined;
  if (cfg.redisUrl) {
    // A server that cannot reach its queue would sample frames nobody analyses: stop start-up.
    try {
      queued = await QueuedPipeline.start({ redisUrl: cfg.redisUrl, placeKey });
    } catch (err) {
      throw new Error(`detection.redisUrl: ${err instanceof Error ? err.message : err}`);
    }
    pipeline = queued;
    log.info({ redis: redactRedisUrl(cfg.redisUrl) }, 'detection frames go to the inference queue');
  } else {
    const started = await startPipeline({
      registry: cfg.modelsDir ? { modelsDir: cfg.modelsDir } : null,
      workers: cfg.workers,
      placeKey,
    });
    pipeline = started.pipeline;
    for (const f of started.ready.failed)
      log.warn({ model: f.name }, `model not loaded: ${f.file}: ${f.error}`);
    log.info({ detectors: started.ready.detectors.map((d) => d.name) }, 'detection pipeline ready');
  }
  const loop = new DetectionLoop({
    pipeline,
    ...(ground ? { ground } : {}),
    intake: (f, frame) => deps.desk.intakeFinding(f, frame),
    refine: (ticketId, f) => deps.desk.refineLocation(ticketId, f),
    // Verification flights over handled tickets tally what each of their frames shows.
    sortieFrame: async (sortieId, findings, frame) => {
      const verdict = await deps.desk.recordVerificationFrame(
        sortieId,
        findings.map((f) => ({ category: f.category, score: f.score, ...f.location })),
        frame,
      );
      if (verdict) log.debug({ sortieId, ...verdict }, 'verification flight frame');
    },
    filing: { minFrames: cfg.minFrames },
    log: (msg, fields) => log.info(fields ?? {}, msg),
  });
  const sampler = new FrameSampler({
    liveState: deps.liveState,
    poses: new PoseBuffer(),
    stillUrl: (_vehicleId, sysid) => stillUrlFromTemplate(deps.config.video.simCameraUrl, sysid),
    fps: cfg.fps,
    vehicles: cfg.vehicles,
    gimbal: cfg.gimbal,
    camera: cfg.camera,
    poseWaitMs: cfg.poseWaitMs,
    sortieOf: (id) => deps.flightLog.openSortieId(id),
    onFrame: (frame) => {
      loop.offer(frame).catch((err: Error) => log.error({ err }, 'detection loop failed on a frame'));
    },
    now: deps.now,
    log: (msg, fields) => log.debug(fields ?? {}, msg),
  });
  const onStill = (frame: Frame & { image: { kind: 'encoded' } }) => {
    loop.offer(frame).catch((err: Error) => log.error({ err }, 'detection loop failed on a camera still'));
  };
  deps.capturedImages?.on('frame', onStill);
  app.addHook('onClose', async () => {
    deps.capturedImages?.off('frame', onStill);
    sampler.stop();
    await pipeline.close();
  });
  const detection: Detection = {
    mode: queued ? 'queue' : 'in-process',
    stats: () => ({ sampler: sampler.stats, loop: loop.stats, sampling: sampler.active() }),
    ...(queued ? { queue: () => (queued as QueuedPipeline).depth() } : {}),
  };
  app.decorate('detection', detection);
  return detection;
}

/** Reads the terrain model; a file that cannot be read or parsed stops start-up, naming it. */
export async function loadDem(file: string): Promise<Ground> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(
      `detection.demFile ${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? err})`,
    );
  }
  const parsed = parseAsciiGrid(text);
  if (!parsed.ok) throw new Error(`detection.demFile ${file}: not an ESRI ASCII grid: ${parsed.error}`);
  return demGround(parsed.grid);
}
