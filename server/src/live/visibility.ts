/**
 * Department visibility, once for every console event and route: a user whose permission scope
 * is 'all' sees everything; a 'department' user sees only what belongs to their department
 * (nothing, when they have none). HTTP routes apply the same rule in SQL (`scopeCondition` in
 * `routes/common.ts`); console events apply it here, with one cache of which department each
 * vehicle and dock belongs to, shared by the fleet fan-out, the dock status, sortie progress
 * and upload progress.
 */
import type { Scope } from '../auth/permissions.ts';
import type { Db } from '../db/client.ts';
import { docks, vehicles } from '../db/schema.ts';

/** Who is looking: a signed-in console socket's scope and department. */
export interface Viewer {
  scope: Scope;
  departmentId: string | null;
}

/** The rule: may `viewer` see a thing of department `departmentId` (null: of no department)? */
export function maySee(viewer: Viewer, departmentId: string | null | undefined): boolean {
  if (viewer.scope === 'all') return true;
  return viewer.departmentId !== null && departmentId === viewer.departmentId;
}

/** The console room of sockets that see everything. */
export const ALL_ROOM = 'viewers:all';
const departmentRoom = (departmentId: string) => `viewers:department:${departmentId}`;

/**
 * The console rooms a viewer's socket joins: `maySee` as rooms, so an event for a department
 * is one room emit that the Socket.IO adapter carries to the sockets of every server node.
 */
export function viewerRooms(viewer: Viewer): string[] {
  if (viewer.scope === 'all') return [ALL_ROOM];
  return viewer.departmentId !== null ? [departmentRoom(viewer.departmentId)] : [];
}

/** The rooms of the viewers who may see a thing of department `departmentId` (`maySee`). */
export function audienceRooms(departmentId: string | null | undefined): string[] {
  return departmentId ? [ALL_ROOM, departmentRoom(departmentId)] : [ALL_ROOM];
}

export interface DepartmentDirectoryOptions {
  /** How old the cached maps may be before `refresh()` reloads them (default 5 s). */
  refreshMs?: number;
  now?: () => number;
}

/**
 * Which department each vehicle and dock belongs to, cached. `refresh()` reloads when the cache
 * is older than `refreshMs` (or when forced); `noteVehicle` records a fresher answer from a
 * lookup made anyway (a focus request), so a reassignment shows at once for that vehicle.
 */
export class DepartmentDirectory {
  private vehicleDeps = new Map<string, string | null>();
  private dockDeps = new Map<string, string | null>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | null = null;
  private readonly refreshMs: number;
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    opts: DepartmentDirectoryOptions = {},
  ) {
    this.refreshMs = opts.refreshMs ?? 5000;
    this.now = opts.now ?? Date.now;
  }

  /** May `viewer` see vehicle `vehicleId` (by the cached department)? */
  seesVehicle(viewer: Viewer, vehicleId: string): boolean {
    return viewer.scope === 'all' || maySee(viewer, this.vehicleDeps.get(vehicleId));
  }

  /** May `viewer` see dock `dockId` (by the cached department)? */
  seesDock(viewer: Viewer, dockId: string): boolean {
    return viewer.scope === 'all' || maySee(viewer, this.dockDeps.get(dockId));
  }

  /** The cached department of a vehicle (null: none, or not known yet). */
  departmentOfVehicle(vehicleId: string): string | null {
    return this.vehicleDeps.get(vehicleId) ?? null;
  }

  /** Records a vehicle's department learnt elsewhere. */
  noteVehicle(vehicleId: string, departmentId: string | null): void {
    this.vehicleDeps.set(vehicleId, departmentId);
  }

  /** True once the maps were loaded at least once. */
  get loaded(): boolean {
    return this.loadedAt > Number.NEGATIVE_INFINITY;
  }

  /** Reloads both maps when they are older than `refreshMs`, or at once with `force`. */
  refresh(force = false): Promise<void> {
    if (!force && this.now() - this.loadedAt < this.refreshMs) return Promise.resolve();
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    const [v, d] = await Promise.all([
      this.db.select({ id: vehicles.id, departmentId: vehicles.departmentId }).from(vehicles),
      this.db.select({ id: docks.id, departmentId: docks.departmentId }).from(docks),
    ]);
    this.vehicleDeps = new Map(v.map((r) => [r.id, r.departmentId]));
    this.dockDeps = new Map(d.map((r) => [r.id, r.departmentId]));
    this.loadedAt = this.now();
  }
}
