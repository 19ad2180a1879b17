/**
 * Verification flights (核查飞行): after a department has handled a ticket, a reviewer or
 * dispatcher sends an aircraft to orbit its location. Every analysed frame of that sortie is
 * tallied here: a finding of the ticket's category within the ticket's de-duplication radius
 * (plus the finding's own location error) is a sighting. The finding counts as still there once
 * it is sighted, strongly enough to be filed on its own (`minScore`: the category's
 * auto-file score), in `confirmFrames` consecutive frames: the same strength and persistence
 * it takes to file a ticket. One frame's spurious box among dozens, or a weak "a person should
 * look" box (an unconfirmed colour blob), does not send a handled ticket back; such sightings
 * are counted and named in the "not seen" verdict, with their frame, for the reviewer to look
 * at. The verdict — "still present" or "not seen in N frames" — is attached to the ticket for
 * the reviewer, who then verifies or sends it back. Pure: no I/O, no clock.
 */
import { planOrbit, type Route } from '@aerie/missions';
import { distanceM } from './geo.ts';

export interface VerificationTarget {
  category: string;
  lat: number;
  lon: number;
  radiusM: number;
  /** Consecutive frames with a strong sighting that confirm the finding is still there (>= 1). */
  confirmFrames: number;
  /** The score a sighting needs to count towards confirmation (the category's auto-file score). */
  minScore: number;
}

/** What the detector placed on the ground in one frame. */
export interface SeenFinding {
  category: string;
  lat: number;
  lon: number;
  /** The location's error, metres. */
  errorM: number;
  score: number;
}

export interface VerificationTally {
  frames: number;
  /** Frames in which the finding was sighted (at any score). */
  hits: number;
  /** Consecutive frames up to the last one with a strong sighting (score >= `minScore`). */
  streak: number;
  /** The longest run of consecutive frames with a strong sighting. */
  longestStreak: number;
  bestScore: number | null;
  nearestM: number | null;
}

export const EMPTY_TALLY: VerificationTally = {
  frames: 0,
  hits: 0,
  streak: 0,
  longestStreak: 0,
  bestScore: null,
  nearestM: null,
};

export type VerificationVerdict =
  | { verdict: 'present'; frames: number; hits: number; bestScore: number; nearestM: number }
  /** `hits`: frames with a sighting that did not confirm it (lone, or too weak to file). */
  | { verdict: 'not_seen'; frames: number; hits: number }
  | { verdict: 'no_frames'; frames: 0 };

/** Adds one analysed frame's findings to the tally. */
export function tallyFrame(
  tally: VerificationTally,
  target: VerificationTarget,
  findings: readonly SeenFinding[],
): VerificationTally {
  let best: number | null = null;
  let nearest: number | null = null;
  for (const f of findings) {
    if (f.category !== target.category) continue;
    const d = distanceM(target, f);
    if (d > target.radiusM + Math.max(0, f.errorM)) continue;
    best = best === null ? f.score : Math.max(best, f.score);
    nearest = nearest === null ? d : Math.min(nearest, d);
  }
  if (best === null || nearest === null) return { ...tally, frames: tally.frames + 1, streak: 0 };
  const streak = best >= target.minScore ? tally.streak + 1 : 0;
  return {
    frames: tally.frames + 1,
    hits: tally.hits + 1,
    streak,
    longestStreak: Math.max(tally.longestStreak, streak),
    bestScore: tally.bestScore === null ? best : Math.max(tally.bestScore, best),
    nearestM: tally.nearestM === null ? nearest : Math.min(tally.nearestM, nearest),
  };
}

/**
 * The verdict of a tally: present once strongly sighted in `confirmFrames` consecutive frames,
 * else not seen in N frames, or nothing analysed.
 */
export function verificationVerdict(t: VerificationTally, confirmFrames: number): VerificationVerdict {
  if (t.longestStreak >= Math.max(1, confirmFrames) && t.bestScore !== null && t.nearestM !== null)
    return {
      verdict: 'present',
      frames: t.frames,
      hits: t.hits,
      bestScore: t.bestScore,
      nearestM: t.nearestM,
    };
  if (t.frames === 0) return { verdict: 'no_frames', frames: 0 };
  return { verdict: 'not_seen', frames: t.frames, hits: t.hits };
}

/** The verdict in words for the evidence record and the timeline (zh-CN, English). */
export function verificationText(v: VerificationVerdict): string {
  if (v.verdict === 'present')
    return `问题仍存在（${v.hits}/${v.frames} 帧）/ finding still present (${v.hits} of ${v.frames} frames)`;
  if (v.verdict === 'not_seen')
    return v.hits === 0
      ? `${v.frames} 帧中未发现 / not seen in ${v.frames} frames`
      : `${v.frames} 帧中未发现（${v.hits} 帧有未经确认的检出，请查看证据）/ not seen in ${v.frames} frames (unconfirmed sightings in ${v.hits}; see the evidence)`;
  return '未分析到画面 / no frames analysed';
}

/** Orbit radius and height of a verification flight: the camera keeps the point in view. */
export const VERIFICATION_ORBIT = { radiusM: 40, altM: 50 } as const;

/** The route of a verification flight: one orbit around the ticket's location. */
export function verificationRoute(ticket: {
  number: string;
  lat: number;
  lon: number;
}): { ok: true; route: Route } | { ok: false; message: string } {
  if (!(Math.abs(ticket.lat) <= 90 && Math.abs(ticket.lon) <= 180))
    return {
      ok: false,
      message: `ticket ${ticket.number}: location ${ticket.lat}, ${ticket.lon} is not on the globe`,
    };
  const planned = planOrbit({
    center: { lat: ticket.lat, lon: ticket.lon },
    radiusM: VERIFICATION_ORBIT.radiusM,
    altM: VERIFICATION_ORBIT.altM,
    name: `核查 ${ticket.number}`,
  });
  return planned.ok ? { ok: true, route: planned.plan.route } : { ok: false, message: planned.error.message };
}
