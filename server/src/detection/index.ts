/**
 * Wiring of the detection loop into the server (config `detection`, off by default): starts the
 * inference pipeline, samples the cameras of flying vehicles (the simulated cameras through
 * `video.simCameraUrl`), and hands findings to the ticket desk; the desk's events raise the
 * fire/smoke console alert (tickets/fire-alert.ts).
 */

import { readFile } from 'node:fs/promises';
import { startPipeline } from '@aerie/inference';
import { demGround, type Ground, parseAsciiGrid } from '@aerie/missions';
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../config.ts';
import type { FlightLog } from '../flightlog/flight-log.ts';
import type { LiveStateStore } from '../live/live-state-store.ts';
import type { TicketDesk } from '../tickets/desk.ts';
import { DetectionLoop, type DetectionStats } from './detection-loop.ts';
import { FrameSampler, type SamplerStats, stillUrlFromTemplate } from './frame-sampler.ts';
import { PoseBuffer } from './pose-at.ts';

export { DetectionLoop, type DetectionStats } from './detection-loop.ts';
export { emptyFiling, fileFrame, recordFiled, TICKET_FINDING_CATEGORIES } from './filing.ts';
export { FrameSampler, shouldSample, stillUrlFromTemplate } from './frame-sampler.ts';
export { interpolatePose, PoseBuffer, type PoseSample } from './pose-at.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The detection loop's counters (present when `detection.enabled`). */
    detection?: Detection;
  }
}

export interface Detection {
  stats(): { sampler: SamplerStats; loop: DetectionStats; sampling: string[] };
}

/** Place key for the persistence rules: a ~22 m cell of the ground under the vehicle. */
const placeKey = (f: { pose: { lat: number; lon: number } }) =>
  `${Math.round(f.pose.lat * 5000)}:${Math.round(f.pose.lon * 5000)}`;

/** Starts the loop; stops it with the app. Resolves once the pipeline's detectors are loaded. */
export async function installDetection(
  app: FastifyInstance,
  deps: {
    config: ServerConfig;
    liveState: LiveStateStore;
    desk: TicketDesk;
    flightLog: Pick<FlightLog, 'openSortieId'>;
    now: () => number;
  },
): Promise<Detection> {
  const cfg = deps.config.detection;
  const log = app.log.child({ module: 'detection' });
  const ground = cfg.demFile ? await loadDem(cfg.demFile) : undefined;
  if (cfg.demFile) log.info({ demFile: cfg.demFile }, 'findings placed on the terrain model');
  const { pipeline, ready } = await startPipeline({
    registry: cfg.modelsDir ? { modelsDir: cfg.modelsDir } : null,
    workers: cfg.workers,
    placeKey,
  });
  for (const f of ready.failed) log.warn({ model: f.name }, `model not loaded: ${f.file}: ${f.error}`);
  log.info({ detectors: ready.detectors.map((d) => d.name) }, 'detection pipeline ready');
  const loop = new DetectionLoop({
    pipeline,
    ...(ground ? { ground } : {}),
    intake: (f, frame) => deps.desk.intakeFinding(f, frame),
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
  app.addHook('onClose', async () => {
    sampler.stop();
    await pipeline.close();
  });
  const detection: Detection = {
    stats: () => ({ sampler: sampler.stats, loop: loop.stats, sampling: sampler.active() }),
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
