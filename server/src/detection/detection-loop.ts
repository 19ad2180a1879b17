/**
 * The closed loop from camera to ticket:
 *
 *   FrameSampler (stills + pose at capture time) -> inference Pipeline (newest per vehicle)
 *     -> georeferenceFinding per finding -> fileFrame (fuse consecutive frames, per vehicle)
 *     -> TicketDesk.intakeFinding (with the frame JPEG as evidence)
 *     -> later, better fused frames of a ticket's track: TicketDesk.refineLocation
 *     -> fire/smoke filed or re-seen: a console alert
 *
 * Thin: the decisions are in pose-at.ts and filing.ts; this only moves values between parts.
 */
import type { Frame, GeoFinding } from '@aerie/contracts';
import { type FrameOutcome, georeferenceFinding, type Observation, type Pipeline } from '@aerie/inference';
import type { Ground } from '@aerie/missions';
import type { IntakeOutcome } from '../tickets/desk.ts';
import {
  emptyFiling,
  type FilingOptions,
  type FilingState,
  fileFrame,
  recordFiled,
  recordRefined,
} from './filing.ts';

export interface DetectionLoopDeps {
  pipeline: Pick<Pipeline, 'submit'>;
  /** Files a finding (the frame goes to the media store first, so this may wait on it). */
  intake: (
    f: GeoFinding,
    frame: { bytes: Uint8Array; mime: string },
  ) => IntakeOutcome | Promise<IntakeOutcome>;
  /** Moves a ticket to its track's better location (the desk decides; absent: tickets stay put). */
  refine?: (ticketId: string, f: GeoFinding) => Promise<unknown>;
  /**
   * Every analysed frame of a sortie with what was placed on the ground, before fusion (a
   * verification flight's tally counts frames, not tracks).
   */
  sortieFrame?: (
    sortieId: string,
    findings: GeoFinding[],
    frame: { bytes: Uint8Array; mime: string },
  ) => Promise<unknown> | undefined;
  filing?: FilingOptions;
  /** Where the ground is (a terrain model); default flat at each frame's take-off elevation. */
  ground?: Ground;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export interface DetectionStats {
  submitted: number;
  processed: number;
  skipped: number;
  failed: number;
  /** Findings that could not be placed on the ground (ray above the horizon). */
  noGroundFix: number;
  /** Hand-overs to the desk, by outcome. */
  filed: Record<IntakeOutcome['kind'], number>;
}

export class DetectionLoop {
  private readonly state = new Map<string, FilingState>();
  readonly stats: DetectionStats = {
    submitted: 0,
    processed: 0,
    skipped: 0,
    failed: 0,
    noGroundFix: 0,
    filed: { ticket: 0, occurrence: 0, triage: 0, ignored: 0 },
  };

  constructor(private readonly deps: DetectionLoopDeps) {}

  /** Offers a frame (encoded JPEG); resolves when its findings are handled. */
  async offer(frame: Frame & { image: { kind: 'encoded' } }): Promise<void> {
    this.stats.submitted++;
    const jpeg = frame.image.bytes;
    const outcome = await this.deps.pipeline.submit(frame);
    await this.handle(outcome, jpeg);
  }

  /**
   * Handles one pipeline outcome; `jpeg` is the frame's image, kept as evidence. Outcomes are
   * handled one after another in the order given: filing waits on the media store, and a frame
   * must not read a vehicle's filing state while the one before it is still changing it.
   */
  handle(outcome: FrameOutcome, jpeg: Uint8Array): Promise<void> {
    const done = this.handling.then(() => this.handleNow(outcome, jpeg));
    this.handling = done.catch(() => {});
    return done;
  }

  private handling: Promise<void> = Promise.resolve();

  private async handleNow(outcome: FrameOutcome, jpeg: Uint8Array): Promise<void> {
    if (outcome.status === 'skipped') {
      this.stats.skipped++;
      return;
    }
    if (outcome.status === 'failed') {
      this.stats.failed++;
      this.deps.log?.('frame failed', { vehicleId: outcome.frame?.vehicleId, error: outcome.error });
      return;
    }
    this.stats.processed++;
    const meta = outcome.frame;
    const observations: Observation[] = [];
    for (const f of outcome.findings) {
      const g = georeferenceFinding(f, meta, {
        imageSize: { width: outcome.width, height: outcome.height },
        ...(this.deps.ground ? { ground: this.deps.ground } : {}),
      });
      if (g.ok)
        observations.push({ finding: g.finding, covariance: g.covariance, sharedErrorM: g.sharedErrorM });
      else this.stats.noGroundFix++;
    }
    if (meta.sortieId && this.deps.sortieFrame)
      await this.deps.sortieFrame(
        meta.sortieId,
        observations.map((o) => o.finding),
        { bytes: jpeg, mime: 'image/jpeg' },
      );
    const before = this.state.get(meta.vehicleId) ?? emptyFiling();
    const step = fileFrame(before, observations, this.deps.filing);
    let state = step.state;
    for (const { trackId, finding } of step.toFile) {
      const out = await this.deps.intake(finding, { bytes: jpeg, mime: 'image/jpeg' });
      this.stats.filed[out.kind]++;
      // Only the track that made the ticket refines it: a track the desk merely attached to a
      // ticket nearby (an occurrence) may be a neighbouring false box.
      const ticket = out.kind === 'ticket' ? { id: out.ticket.id, errorM: out.ticket.errorM } : undefined;
      state = recordFiled(state, trackId, finding.score, out.kind, ticket);
      this.deps.log?.('finding handed to the ticket desk', {
        vehicleId: meta.vehicleId,
        category: finding.category,
        score: finding.score,
        frames: finding.frames,
        outcome: out.kind,
      });
    }
    for (const { trackId, ticketId, finding } of step.toRefine) {
      if (!this.deps.refine) break;
      const moved = await this.deps.refine(ticketId, finding);
      state = recordRefined(state, trackId, finding.location.errorM);
      if (moved)
        this.deps.log?.('ticket location refined by later frames', {
          vehicleId: meta.vehicleId,
          ticketId,
          errorM: finding.location.errorM,
          frames: finding.frames,
        });
    }
    this.state.set(meta.vehicleId, state);
  }
}
