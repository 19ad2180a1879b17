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
  /** Track id -> the score it was last handed over with and what the desk made of it. */
  filed: Map<number, { score: number; as: FiledAs }>;
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
  for (const id of new Set(step.trackIds)) {
    const track = step.state.tracks.find((t) => t.id === id);
    if (!track || track.finding.frames < minFrames) continue;
    const before = filed.get(id);
    const settled = before?.as === 'ticket' || before?.as === 'occurrence';
    if (before && (settled || track.finding.score <= before.score)) continue;
    toFile.push({ trackId: id, finding: track.finding });
  }
  return { state: { fusion: step.state, filed }, toFile };
}

/** Records what the desk made of a hand-over. */
export function recordFiled(state: FilingState, trackId: number, score: number, as: FiledAs): FilingState {
  const filed = new Map(state.filed);
  filed.set(trackId, { score, as });
  return { ...state, filed };
}
