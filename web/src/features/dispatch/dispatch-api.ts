/** The dispatch board's requests and the shapes it reads from them. */
import type { ConsoleDockStatus, SortieRecord } from '@aerie/contracts';
import { api, type Page } from '../../lib/api.ts';
import type { BoardSortie, DockLiveStatus } from './board-model.ts';

export interface DockRecord {
  id: string;
  name: string;
}
export interface Named {
  id: string;
  name: string;
}
/** A dock's live status as `GET /api/docks/:id/status` and `dock.status` carry it. */
export type DockLive = Pick<ConsoleDockStatus, 'dockId' | 'online' | 'updatedAtMs'> & {
  status: DockLiveStatus | null;
};

function boardSortie(r: SortieRecord): BoardSortie {
  return {
    id: r.id,
    vehicleId: r.vehicleId,
    dockId: r.dockId,
    routeId: r.routeId,
    scheduleId: r.scheduleId,
    sortieClass: r.sortieClass,
    phase: r.phase,
    status: r.status,
    failureCode: r.failureCode,
    failureMessage: r.failureMessage ?? r.endReason,
    failureParams: r.failureParams ?? null,
    message: null,
    atMs: Date.parse(r.dueAt ?? r.startedAt ?? r.createdAt),
  };
}

export const listDocks = () => api.get<Page<DockRecord>>('/api/docks', { limit: 500 }).then((p) => p.items);

/** The docks' statuses now; one that does not answer is left to the live `dock.status` events. */
export async function dockStatuses(ids: readonly string[]): Promise<DockLive[]> {
  const all = await Promise.all(
    ids.map((id) => api.get<DockLive>(`/api/docks/${id}/status`).catch(() => null)),
  );
  return all.filter((s): s is DockLive => s !== null);
}

export const listSorties = () =>
  api.get<Page<SortieRecord>>('/api/sorties', { limit: 200 }).then((p) => p.items.map(boardSortie));

export const listVehicleNames = () =>
  api.get<Page<Named>>('/api/vehicles', { limit: 500 }).then((p) => p.items);

export const listRoutes = () => api.get<Page<Named>>('/api/routes', { limit: 500 }).then((p) => p.items);

export const abortSortie = (id: string) => api.post(`/api/sorties/${id}/abort`);

export const launchSortie = (body: {
  routeId: string;
  sortieClass: 'on_demand' | 'emergency';
  priority: number;
  dockIds?: string[];
}) => api.post('/api/sorties', body);
