/** The flight log's requests: sorties, one sortie's track and events, names, the .tlog. */
import { ApiError, api, apiErrorFrom, type Page } from '../../lib/api.ts';
import type { EventPage, Named, Sortie, SortieDetail, SortieEvent, TrackPage, TrackPoint } from './types.ts';

export interface SortieQuery {
  vehicleId?: string;
  dockId?: string;
  /** [from, to) on the take-off time, ISO instants. */
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

export function listSorties(q: SortieQuery): Promise<Page<Sortie>> {
  return api.get<Page<Sortie>>('/api/sorties', { ...q });
}

export function getSortie(id: string): Promise<SortieDetail> {
  return api.get<SortieDetail>(`/api/sorties/${encodeURIComponent(id)}`);
}

/** Every track point of a sortie, following `nextFrom` until the server has no more. */
export async function loadTrack(id: string): Promise<TrackPoint[]> {
  const out: TrackPoint[] = [];
  let from: string | undefined;
  for (;;) {
    const page = await api.get<TrackPage>(`/api/sorties/${encodeURIComponent(id)}/track`, {
      from,
      limit: 20_000,
    });
    out.push(...page.points);
    if (!page.nextFrom || page.nextFrom === from) return out;
    from = page.nextFrom;
  }
}

/** Every event of a sortie, following `nextFrom` until the server has no more. */
export async function loadEvents(id: string): Promise<SortieEvent[]> {
  const out: SortieEvent[] = [];
  let from: string | undefined;
  for (;;) {
    const page = await api.get<EventPage>(`/api/sorties/${encodeURIComponent(id)}/events`, {
      from,
      limit: 5000,
    });
    out.push(...page.events);
    if (!page.nextFrom || page.nextFrom === from) return out;
    from = page.nextFrom;
  }
}

/** Ids and names of every vehicle or dock the user may see (for filters and table cells). */
export async function loadNames(path: '/api/vehicles' | '/api/docks'): Promise<Named[]> {
  const out: Named[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await api.get<Page<Named>>(path, { limit: 500, offset });
    out.push(...page.items.map(({ id, name }) => ({ id, name })));
    if (page.items.length < 500 || out.length >= page.total) return out;
  }
}

/**
 * Downloads the sortie's .tlog through the browser. The request is made here rather than by a
 * plain link so a sortie without a recording gets a message instead of a JSON error page.
 */
export async function downloadTlog(id: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`/api/sorties/${encodeURIComponent(id)}/tlog`, { credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'Unreachable', 'the server cannot be reached');
  }
  if (!res.ok) {
    throw apiErrorFrom(res.status, res.statusText, await res.json().catch(() => null));
  }
  const blob = await res.blob();
  const name =
    /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `sortie-${id}.tlog`;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
