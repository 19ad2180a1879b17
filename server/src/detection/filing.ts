/**
 * Which georeferenced findings go to the ticket desk, and when.
 *
 * One frame's findings are fused with the vehicle's earlier frames (inference's fuseFrame), so a
 * fire seen in twenty consecutive frames is one track, not twenty findings. A track of a ticket
 * category is handed to the desk once it has been seen in `minFrames` frames (one frame can be
 * a glint); after that the desk's own de-duplication handles the same place seen again later.
 * A track the desk did not file (ignored below triage, or queued for triage) is offered again
 * when its score rose: persistence rules confirm a flame only on its third frame (0.5 -> 0.8),
 * which crosses the auto-file score. A track offered at triage level and then filed leaves its
 * triage item behind for a person to reject as already handled.
 * A track that became a ticket keeps being fused; when its stated error
 * has shrunk to `MIN_ERROR_RATIO` of the ticket's (tickets/core/relocation.ts), it is offered for
 * refining that ticket's location (`toRefine`), so the ticket does not stay where two frames put it.
 * Pure: state in, state out.
 */
import type { FindingCategory, GeoFinding } from '@aerie/contracts';
import {
  emptyFusion,
  type FusionOptions,
  type FusionState,
  fuseFrame,
  type Observation,
} from '@aerie/inference';
import { MIN_ERROR_RATIO } from '../tickets/core/relocation.ts';

/** The categories a ticket can be about. */
export const TICKET_FINDING_CATEGORIES: readonly FindingCategory[] = [
  'fire_smoke',
  'construction',
  'river_pollution',
];

/** What became of a track's last hand-over: the desk's outcome kind. */
export type FiledAs = 'ticket' | 'occurrence' | 'triage' | 'ignored';

export interface FilingState {
  fusion: FusionState;
  /**
   * Track id -> the score it was last handed over with and what the desk made of it; for a
   * track that became a ticket, which ticket and the error its location was last given with.
   */
  filed: Map<number, Filed>;
}

export interface Filed {
  score: number;
  as: FiledAs;
  ticket?: { id: string; errorM: number };
}

export const emptyFiling = (): FilingState => ({ fusion: emptyFusion(), filed: new Map() });

export interface FilingOptions {
  /** Frames a track needs before it is handed over (default 2). */
  minFrames?: number;
  fusion?: FusionOptions;
}

export interface FilingStep {
  state: FilingState;
  /** Fused findings to hand to the desk now, each with its track. */
  toFile: { trackId: number; finding: GeoFinding }[];
  /** Tickets whose track now has a better location (a smaller stated error). */
  toRefine: { trackId: number; ticketId: string; finding: GeoFinding }[];
}

/** Adds one frame's georeferenced findings; answers what to hand over now. */
export function fileFrame(
  state: FilingState,
  observations: readonly Observation[],
  opts: FilingOptions = {},
): FilingStep {
  const minFrames = opts.minFrames ?? 2;
  const relevant = observations.filter((o) => TICKET_FINDING_CATEGORIES.includes(o.finding.category));
  const step = fuseFrame(state.fusion, relevant, opts.fusion);
  const filed = new Map(state.filed);
  for (const t of step.closed) filed.delete(t.id);
  const toFile: FilingStep['toFile'] = [];
  const toRefine: FilingStep['toRefine'] = [];
  for (const id of new Set(step.trackIds)) {
    const track = step.state.tracks.find((t) => t.id === id);
    if (!track || track.finding.frames < minFrames) continue;
    const before = filed.get(id);
    if (before?.ticket) {
      if (track.finding.location.errorM <= before.ticket.errorM * MIN_ERROR_RATIO)
        toRefine.push({ trackId: id, ticketId: before.ticket.id, finding: track.finding });
      continue;
    }
    const settled = before?.as === 'ticket' || before?.as === 'occurrence';
    if (before && (settled || track.finding.score <= before.score)) continue;
    toFile.push({ trackId: id, finding: track.finding });
  }
  return { state: { fusion: step.state, filed }, toFile, toRefine };
}

/**
 * Records what the desk made of a hand-over (`ticket`: the ticket it became, with the error of
 * the ticket's location).
 */
export function recordFiled(
  state: FilingState,
  trackId: number,
  score: number,
  as: FiledAs,
  ticket?: { id: string; errorM: number },
): FilingState {
  const filed = new Map(state.filed);
  filed.set(trackId, { score, as, ...(ticket ? { ticket } : {}) });
  return { ...state, filed };
}

/**
 * Records that a track's ticket was offered the location error `errorM` (moved there or not: the
 * desk keeps a location already as good), so it is offered again only once the track is better still.
 */
export function recordRefined(state: FilingState, trackId: number, errorM: number): FilingState {
  const before = state.filed.get(trackId);
  if (!before?.ticket) return state;
  const filed = new Map(state.filed);
  filed.set(trackId, { ...before, ticket: { ...before.ticket, errorM } });
  return { ...state, filed };
}
