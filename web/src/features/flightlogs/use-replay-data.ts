/** One sortie's record for the replay: the sortie, its track prepared for sampling, its timeline. */
import { useLoad } from '../../lib/load/index.ts';
import { getSortie, loadEvents, loadTrack } from './api.ts';
import { prepareTrack, type ReplayTrack, replaySpan } from './replay-track.ts';
import { type TimelineItem, toTimeline } from './timeline.ts';
import type { SortieDetail } from './types.ts';

export interface ReplayData {
  sortie: SortieDetail;
  track: ReplayTrack;
  items: TimelineItem[];
  span: { startMs: number; endMs: number } | null;
}

export async function loadReplay(id: string): Promise<ReplayData> {
  const [sortie, points, events] = await Promise.all([getSortie(id), loadTrack(id), loadEvents(id)]);
  const track = prepareTrack(points);
  const span = replaySpan(
    track,
    events.map((e) => Date.parse(e.at)),
  );
  return { sortie, track, items: span ? toTimeline(events, span) : [], span };
}

export function useReplayData(id: string) {
  return useLoad(() => loadReplay(id), [id]);
}
