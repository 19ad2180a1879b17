/**
 * The sortie orchestrator: a thin driver around the planning library's pure sortie machine
 * (`stepSortie`). It launches sorties (dock assignment, weather gate, deconfliction, the
 * sortie row), performs the machine's effects through the bridge channel (dock commands,
 * mission + fence upload, vehicle commands), feeds back what the vehicle and dock report
 * (LiveStateStore, the dock store) and the answers, stores each phase on the sortie row and
 * publishes it as `sortie.progress`.
 *
 * One flight, one row: the sortie row is created here ('planned'); when the vehicle arms, the
 * flight log's SortieTracker claims it (`claimPlanned`) instead of opening a new one, so the
 * figures it closes the sortie with (duration, distance, height, mission flag) land on this
 * row and statistics count it.
 *
 * Events of one sortie are handled one at a time (a promise chain per sortie); effects that
 * wait for an answer (commands, upload) run in the background and come back as events.
 *
 * Restarts: each unfinished sortie's working state (machine state, mission lists, waits) is
 * stored on its row (`orchestrator_json`) whenever its phase or flags change. `start()` resumes
 * those sorties: the phase gets a fresh timeout, and the effect whose answer was lost with the
 * old process is performed again once its dock or vehicle is online (`resumeEffects`): above
 * all, an aircraft already in the air gets its dock prepared for landing. Rows without a
 * stored state (older servers) end as 'OrchestratorRestarted' as before.
 *
 * Several server nodes (`ownership.clustered`): a sortie is driven by the node its vehicle's
 * bridge is connected to, and only while that node holds the lease `sortie:<id>`, so two nodes
 * never drive one sortie. Every tick (at most one check at a time) a node renews the leases of
 * the sorties it drives and hands over, after `handoverGraceMs`, those whose bridge is no longer
 * connected to it: it stops feeding them, stores their state and releases the lease. It then
 * adopts the unfinished sorties whose bridge is connected to it and whose lease it can take:
 * a free or released one at once, a dead node's once it expires (`cluster.leaseTtlS`), and
 * resumes them as after a restart. A sortie launched on a node that does not hold its bridge
 * is planned and stored there ('queued') and begun by the node that adopts it. Docks busy and
 * flights in the air are read from the database as well as from this node's own sorties.
 */
import { randomUUID } from 'node:crypto';
import type {
  CommandReply,
  ConsoleSortieProgress,
  DockCommand,
  DockStatusPayload,
  MissionUploadReply,
  VehicleCommand,
  VehicleStatePayload,
} from '@aerie/contracts';
import {
  assignDock,
  type DockCandidate,
  type DockView,
  deconflict,
  describeGrounding,
  type FailureParams,
  FINAL_SORTIE_PHASES,
  type Flavour,
  fenceToItems,
  distanceM as geoDistanceM,
  groundingParams,
  isPreemptable,
  newSortieMachine,
  type PlannedFlight,
  type Route,
  type SortieClass,
  type SortieEffect,
  type SortieEvent,
  type SortieFailure,
  type SortieMachineOptions,
  type SortieMachineState,
  type SortiePhase,
  sortieRank,
  stepSortie,
  toMissionItems,
  type VehicleView,
  type WeatherLimits,
  weatherGate,
  withCaptureItems,
  writeAerieRoute,
  type Zone,
  zonesToFence,
} from '@aerie/missions';
import { and, eq, isNotNull, notInArray } from 'drizzle-orm';
import type { Ownership } from '../cluster/leases.ts';
import type { AbortElsewhere, SortieAbortCode } from '../cluster/sortie-relay.ts';
import type { Db } from '../db/client.ts';
import { docks, patrolSchedules, sorties, vehicles } from '../db/schema.ts';
import type { MissionLists } from './mission-uploader.ts';
import { loadZones } from './store.ts';

/** What the orchestrator reads of a dock (the dock store fits). */
export interface DockPort {
  getDock(dockId: string): { online: boolean; status: DockStatusPayload | null };
  onDockChange(
    listener: (dock: { dockId: string; online: boolean; status: DockStatusPayload | null }) => void,
  ): () => void;
  command(dockId: string, command: DockCommand): Promise<CommandReply>;
}

/** What the orchestrator reads of and asks of a vehicle (LiveStateStore, the BridgeHub, the uploader). */
export interface VehiclePort {
  get(vehicleId: string): { online: boolean; state: VehicleStatePayload | null };
  subscribe(
    listener: (vehicleId: string, entry: { online: boolean; state: VehicleStatePayload | null }) => void,
  ): () => void;
  command(vehicleId: string, command: VehicleCommand): Promise<CommandReply>;
  upload(vehicleId: string, lists: MissionLists): Promise<MissionUploadReply>;
}

/** A phase change as the console sees it (`sortie.progress`), in the orchestrator's own types. */
export interface SortieProgress extends Omit<ConsoleSortieProgress, 'sortieClass' | 'phase' | 'failure'> {
  sortieClass: SortieClass;
  phase: SortiePhase;
  failure: SortieFailure | null;
}

/** A sortie closed because its aircraft was lost: silent in the air for `lostAfterMs`. */
export interface SortieLost {
  sortieId: string;
  vehicleId: string;
  dockId: string | null;
  departmentId: string | null;
  message: string;
  atMs: number;
}

export interface OrchestratorOptions {
  db: Db;
  now: () => number;
  docks: DockPort;
  vehicles: VehiclePort;
  publish?: (p: SortieProgress) => void;
  log?: {
    info(o: object, m: string): void;
    warn(o: object, m: string): void;
    error(o: object, m: string): void;
  };
  /** Flight time of an aircraft on a full battery, seconds (default 1800). */
  enduranceS?: number;
  /** Lowest charge to take off with, percent (default 30). */
  minChargePct?: number;
  weatherLimits?: Partial<WeatherLimits>;
  /** Horizontal and vertical separation between sorties, metres (defaults 50 and 20). */
  separationM?: number;
  verticalSeparationM?: number;
  machine?: SortieMachineOptions;
  /** How often timeouts and waiting sorties are looked at (default 1000 ms). */
  tickMs?: number;
  /**
   * An aircraft silent this long in the air is lost: its sortie closes ('aborted', end reason
   * VehicleLost) and `onLost` raises the alert (default 120 s; overrides the machine's
   * `timeouts.linkLostMs`).
   */
  lostAfterMs?: number;
  onLost?: (lost: SortieLost) => void;
  /** Several nodes: the sortie leases (a single node drives every sortie when omitted). */
  ownership?: Ownership;
  /** Is the vehicle's bridge connected to this node? (Only those sorties are driven here.) */
  isLocal?: (vehicleId: string) => Promise<boolean>;
  /** How long a sortie's bridge may be away from this node before it is handed over (default 3000 ms). */
  handoverGraceMs?: number;
}

/** Default of `lostAfterMs`. */
export const DEFAULT_LOST_AFTER_MS = 120_000;

/** What to fly and why. */
export interface LaunchRequest {
  route: Route;
  routeId: string | null;
  scheduleId: string | null;
  sortieClass: SortieClass;
  priority: number;
  dueMs: number;
  /** Last moment it may start (null: no limit). */
  windowEndMs: number | null;
  /** Docks it may fly from, in order of preference (null: any). */
  dockIds: string[] | null;
  departmentId: string | null;
  /**
   * Fly on this dock-less aircraft (one with no dock, standing in the open) instead of choosing
   * a dock: no dock steps, no dock weather; home is where the aircraft reports it.
   */
  vehicleId?: string;
}

export type LaunchResult =
  | { ok: true; sortieId: string; dockId: string | null; vehicleId: string; decision: string }
  | {
      ok: false;
      /** A sortie row that records the failure (weather), when one was made. */
      sortieId: string | null;
      failure: SortieFailure;
      rejected?: { dockId: string; code: string; message: string }[];
    };

/** Phases in which an arming vehicle's flight belongs to its planned sortie (`claimFor`). */
const CLAIMABLE_PHASES: ReadonlySet<SortiePhase> = new Set([
  'uploading',
  'arming',
  'starting',
  'in_progress',
]);

interface Active {
  sortieId: string;
  vehicleId: string;
  /** null: a dock-less sortie. */
  dockId: string | null;
  routeId: string | null;
  scheduleId: string | null;
  departmentId: string | null;
  priority: number;
  machine: SortieMachineState;
  lists: MissionLists;
  flight: PlannedFlight;
  /** Waiting to begin: not before this time (deconfliction delay), or until a retry finds it clear. */
  notBeforeMs: number | null;
  waitingForConflict: boolean;
  windowEndMs: number | null;
  queue: Promise<void>;
  /** After a restart: effects to perform again once their dock or vehicle is online. */
  resume: SortieEffect[];
  /** What was last stored (`persistKey`) and when. */
  persistedKey: string;
  persistedAtMs: number;
  /** What deconfliction decided, in words. */
  decisionReason: string;
  /** Handed over to another node: nothing more is fed, performed or stored here. */
  dropped?: boolean;
  /** Since when its bridge is not connected to this node (cluster), or null. */
  awaySinceMs?: number | null;
  /** Its end as stored (`storeEnd`): whether it was closed as lost, and when. */
  ended?: { lost: boolean; at: Date };
}

/** What `orchestrator_json` holds: everything of `Active` that is not on the row itself. */
type PersistedSortie = { v: 1 } & Pick<
  Active,
  'priority' | 'machine' | 'lists' | 'flight' | 'notBeforeMs' | 'waitingForConflict' | 'windowEndMs'
>;

/** The stored working state of a sortie, or null when there is none or it cannot be read. */
function storedState(json: string | null): PersistedSortie | null {
  if (!json) return null;
  try {
    const p = JSON.parse(json) as PersistedSortie;
    return p?.v === 1 ? p : null;
  } catch {
    return null;
  }
}

/** An unfinished sortie stored by another node, as placement sees it. */
interface Elsewhere {
  id: string;
  dockId: string | null;
  flight: PlannedFlight | null;
  machine: SortieMachineState | null;
  priority: number;
}

/**
 * A command's outcome as the sortie machine takes it: ok, or the reply's code and message
 * ('Internal' when the command threw).
 */
function outcomeOf(
  reply: Promise<
    { ok: true } | { ok: false; error: { code: string; message: string; detail?: Record<string, unknown> } }
  >,
): Promise<{ ok: true } | { ok: false; code: string; message: string; said?: string }> {
  return reply.then(
    (r) => {
      if (r.ok) return { ok: true };
      // The device's own words (the STATUSTEXT that came with the refusal), when it said why.
      const said = r.error.detail?.statusText;
      return {
        ok: false,
        code: r.error.code,
        message: r.error.message,
        ...(typeof said === 'string' && said.trim() ? { said: said.trim() } : {}),
      };
    },
    (err: unknown) => ({ ok: false, code: 'Internal', message: String(err) }),
  );
}

/** Stored again at least this often while only `vehicleSeenMs` moves. */
const PERSIST_REFRESH_MS = 10_000;

/**
 * The effects to perform again when a sortie is resumed in `m.phase` after a restart: the ones
 * whose answers the old process was waiting for, and for an aircraft in the air the dock's
 * preparation for its landing. Pure; the driver checks the vehicle before re-sending a start.
 */
export function resumeEffects(m: SortieMachineState): SortieEffect[] {
  if (m.docked === false) return resumeEffectsOf(m).filter((e) => e.type !== 'dock_command');
  return resumeEffectsOf(m);
}

function resumeEffectsOf(m: SortieMachineState): SortieEffect[] {
  switch (m.phase) {
    case 'dock_preparing':
      return [{ type: 'dock_command', action: 'prepare_takeoff' }];
    case 'uploading':
      return [{ type: 'upload' }];
    case 'arming':
      return [{ type: 'vehicle_command', action: 'arm' }];
    case 'starting':
      return m.airborne ? [] : [{ type: 'vehicle_command', action: 'start_mission' }];
    case 'returning':
    case 'landing':
      return [{ type: 'dock_command', action: 'prepare_landing' }];
    case 'lid_closing':
      return [{ type: 'dock_command', action: 'close_lid' }];
    case 'charging':
      return [{ type: 'dock_command', action: 'start_charging' }];
    default:
      return [];
  }
}

/** What decides whether a sortie's stored state is out of date (all but the last-seen time). */
function persistKey(a: Active): string {
  const { vehicleSeenMs: _seen, ...m } = a.machine;
  return JSON.stringify([m, a.notBeforeMs, a.waitingForConflict, a.flight.startMs]);
}

function persisted(a: Active): PersistedSortie {
  return {
    v: 1,
    priority: a.priority,
    machine: a.machine,
    lists: a.lists,
    flight: a.flight,
    notBeforeMs: a.notBeforeMs,
    waitingForConflict: a.waitingForConflict,
    windowEndMs: a.windowEndMs,
  };
}

const FLAVOURS = new Set<Flavour>(['px4', 'ardupilot']);

/** A sortie a launch may pre-empt: driven here (`local`), or by another node. */
interface Victim {
  sortieId: string;
  local?: Active;
}

export class Orchestrator {
  /**
   * Several nodes: asks the node driving a sortie to abort it (set by the app once the cluster
   * bus is up); the abort route and pre-emption use it for sorties not driven here.
   */
  abortElsewhere: AbortElsewhere | null = null;
  private readonly active = new Map<string, Active>();
  private readonly unsubscribe: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** The cluster ownership check running now, or null. */
  private checking: Promise<void> | null = null;
  private readonly o: OrchestratorOptions;

  constructor(options: OrchestratorOptions) {
    this.o = options;
  }

  /** Follows vehicles and docks and starts the timeout tick; ends sorties a previous run left unfinished. */
  async start(): Promise<void> {
    this.unsubscribe.push(
      this.o.vehicles.subscribe((vehicleId, entry) => {
        for (const a of this.active.values())
          if (a.vehicleId === vehicleId)
            this.feed(a, { type: 'vehicle', atMs: this.o.now(), vehicle: vehicleView(entry) });
      }),
      this.o.docks.onDockChange((d) => {
        for (const a of this.active.values()) if (a.dockId === d.dockId) this.onDock(a, d);
      }),
    );
    await this.adopt();
    this.timer = setInterval(() => this.tick(), this.o.tickMs ?? 1000);
  }

  private get clustered(): boolean {
    return this.o.ownership?.clustered === true;
  }

  /** May this node drive a sortie of `vehicleId` now (its bridge connected here)? Always when alone. */
  private async mayDrive(vehicleId: string): Promise<boolean> {
    if (!this.clustered || !this.o.isLocal) return true;
    return this.o.isLocal(vehicleId);
  }

  private hold(sortieId: string): Promise<boolean> {
    return this.o.ownership ? this.o.ownership.hold(`sortie:${sortieId}`) : Promise.resolve(true);
  }

  /**
   * Takes up the unfinished sorties this node may drive and is not driving: on a single node all
   * of them, once, at start; in a cluster those whose bridge is connected here and whose lease
   * this node takes, on every check.
   */
  private async adopt(): Promise<void> {
    const { db } = this.o;
    const unfinished = await db
      .select({ id: sorties.id, vehicleId: sorties.vehicleId })
      .from(sorties)
      .where(and(isNotNull(sorties.phase), notInArray(sorties.phase, [...FINAL_SORTIE_PHASES])));
    for (const { id, vehicleId } of unfinished) {
      if (this.active.has(id)) continue;
      if (!(await this.mayDrive(vehicleId)) || !(await this.hold(id))) continue;
      // Read again under the lease: the previous holder stored its last state before releasing.
      const s = await this.storedRow(id);
      if (!s?.phase || FINAL_SORTIE_PHASES.has(s.phase as SortiePhase)) {
        await this.o.ownership?.release(`sortie:${id}`);
        continue;
      }
      const a = this.revive(s);
      if (!a) {
        await db
          .update(sorties)
          .set({
            phase: 'failed',
            failureCode: 'OrchestratorRestarted',
            failureMessage: 'the server restarted while the sortie was being orchestrated',
            ...(s.status === 'planned'
              ? { status: 'aborted' as const, endReason: 'OrchestratorRestarted' }
              : {}),
          })
          .where(eq(sorties.id, s.id));
        await this.o.ownership?.release(`sortie:${id}`);
        continue;
      }
      this.active.set(a.sortieId, a);
      const how = this.clustered
        ? `taken over by node ${this.o.ownership!.nodeId}`
        : 'resumed after a server restart';
      this.log(
        'info',
        { sortieId: a.sortieId, phase: a.machine.phase, vehicleId: a.vehicleId },
        `sortie ${how}`,
      );
      this.o.publish?.(this.progress(a, a.machine.phase, `${how}: ${a.machine.phase.replace('_', ' ')}`));
      // What the vehicle and dock say now, as far as this process knows yet.
      const d = a.dockId ? this.o.docks.getDock(a.dockId) : null;
      if (a.dockId && d?.status) this.onDock(a, { dockId: a.dockId, ...d });
      this.resumePending(a);
    }
  }

  /** What `revive` needs of a sortie's row (read under its lease), or undefined. */
  private async storedRow(id: string) {
    const [row] = await this.o.db
      .select({
        id: sorties.id,
        status: sorties.status,
        phase: sorties.phase,
        vehicleId: sorties.vehicleId,
        dockId: sorties.dockId,
        routeId: sorties.routeId,
        scheduleId: sorties.scheduleId,
        departmentId: sorties.departmentId,
        orchestratorJson: sorties.orchestratorJson,
      })
      .from(sorties)
      .where(eq(sorties.id, id));
    return row;
  }

  /**
   * Cluster: renews the leases of the sorties driven here, hands over those whose bridge has been
   * away longer than the grace, then adopts what this node may drive. One check at a time.
   */
  private async checkOwnership(): Promise<void> {
    const now = this.o.now();
    const grace = this.o.handoverGraceMs ?? 3000;
    for (const a of [...this.active.values()]) {
      if (a.dropped) continue;
      const local = await this.mayDrive(a.vehicleId);
      a.awaySinceMs = local ? null : (a.awaySinceMs ?? now);
      if (!(await this.hold(a.sortieId))) {
        // Another node holds it (this one stalled past the lease): stop at once, store nothing.
        a.dropped = true;
        this.active.delete(a.sortieId);
        this.log('error', { sortieId: a.sortieId }, 'sortie lease lost to another node; stopped driving it');
        continue;
      }
      if (!local && now - (a.awaySinceMs ?? now) >= grace) await this.handOver(a);
    }
    await this.adopt();
  }

  /**
   * Stops driving `a` here: nothing more is fed, performed or stored for it once the step under
   * way is done; then its latest state is stored for the node that resumes it.
   */
  private async letGo(a: Active): Promise<void> {
    a.dropped = true;
    await a.queue;
    this.active.delete(a.sortieId);
    if (!FINAL_SORTIE_PHASES.has(a.machine.phase)) await this.persist(a, true);
  }

  /** Stops driving `a` here, stores its state and releases its lease for the node that has its bridge. */
  private async handOver(a: Active): Promise<void> {
    await this.letGo(a);
    await this.o.ownership?.release(`sortie:${a.sortieId}`);
    this.log(
      'info',
      { sortieId: a.sortieId, phase: a.machine.phase, vehicleId: a.vehicleId },
      'sortie handed over: its bridge is connected to another node',
    );
  }

  /**
   * Sorties stored as unfinished that this node does not drive (cluster: other nodes' sorties),
   * with their docks and planned flights, so placement does not double-book a dock or airspace.
   */
  private async elsewhere(): Promise<Elsewhere[]> {
    if (!this.clustered) return [];
    const rows = await this.o.db
      .select({ id: sorties.id, dockId: sorties.dockId, orchestratorJson: sorties.orchestratorJson })
      .from(sorties)
      .where(and(isNotNull(sorties.phase), notInArray(sorties.phase, [...FINAL_SORTIE_PHASES])));
    return rows
      .filter((r) => !this.active.has(r.id))
      .map((r) => {
        const p = storedState(r.orchestratorJson);
        return {
          id: r.id,
          dockId: r.dockId,
          flight: p?.flight ?? null,
          machine: p?.machine ?? null,
          priority: p?.priority ?? 0,
        };
      });
  }

  /**
   * Aborts `victim` for a higher-ranked sortie of class `by`: here, or through the node driving
   * it. A sortie no node answers for is ended here when it is still queued (it opened nothing)
   * and this node takes its lease. False: it stays (it took off, or another node holds it).
   */
  private async preempt(victim: Victim, by: SortieClass): Promise<boolean> {
    const message = `pre-empted by a ${by.replace('_', '-')} sortie`;
    const params = { sortieClass: by };
    if (victim.local) return this.abort(victim.sortieId, 'Preempted', message, params);
    if (await this.abortElsewhere?.(victim.sortieId, 'Preempted', message, params)) return true;
    const id = victim.sortieId;
    if (!(await this.hold(id))) return false;
    try {
      const row = await this.storedRow(id);
      const a = row?.phase === 'queued' ? this.revive(row) : null;
      if (!a || !isPreemptable(a.machine)) return false;
      const failure: SortieFailure = { code: 'Preempted', message, params };
      a.machine = { ...a.machine, phase: 'aborted', failure };
      await this.storeEnd(a, { type: 'finished', outcome: 'aborted', failure });
      this.log('info', { sortieId: id }, `a sortie no node drives was ${message}`);
      this.o.publish?.(this.progress(a, 'aborted', `sortie aborted: ${message}`));
      return true;
    } finally {
      await this.o.ownership?.release(`sortie:${id}`);
    }
  }

  /** An `Active` from a stored row, or null when it cannot be resumed. */
  private revive(row: {
    id: string;
    phase?: string | null;
    status?: string;
    vehicleId: string;
    dockId: string | null;
    routeId: string | null;
    scheduleId: string | null;
    departmentId: string | null;
    orchestratorJson: string | null;
  }): Active | null {
    const p = storedState(row.orchestratorJson);
    if (!p?.machine || !p.lists || !p.flight) return null;
    if (!row.dockId && p.machine.docked !== false) return null;
    const now = this.o.now();
    const machine: SortieMachineState = {
      ...p.machine,
      // The downtime does not count against the phase, nor as silence from the aircraft.
      phaseSinceMs: now,
      vehicleSeenMs: p.machine.vehicleSeenMs === null ? null : now,
      timeouts: {
        ...p.machine.timeouts,
        ...newSortieMachine(p.machine.sortieClass, now, this.machineOptions()).timeouts,
      },
    };
    const a: Active = {
      sortieId: row.id,
      vehicleId: row.vehicleId,
      dockId: row.dockId,
      routeId: row.routeId,
      scheduleId: row.scheduleId,
      departmentId: row.departmentId,
      priority: p.priority,
      machine,
      lists: p.lists,
      flight: p.flight,
      // A sortie stored before its 'begin' was handled begins at the next tick (window permitting).
      notBeforeMs:
        machine.phase === 'queued' && p.notBeforeMs === null && !p.waitingForConflict ? now : p.notBeforeMs,
      waitingForConflict: p.waitingForConflict,
      windowEndMs: p.windowEndMs,
      queue: Promise.resolve(),
      resume: resumeEffects(machine),
      persistedKey: '',
      persistedAtMs: 0,
      decisionReason: 'resumed after a restart',
    };
    a.persistedKey = persistKey(a);
    a.persistedAtMs = now;
    return a;
  }

  /** Performs the resumed effects whose dock or vehicle is online now; the rest wait for the tick. */
  private resumePending(a: Active): void {
    if (a.resume.length === 0) return;
    const dockOnline = a.dockId !== null && this.o.docks.getDock(a.dockId).online;
    const v = this.o.vehicles.get(a.vehicleId);
    const vehicleOnline = v.online && v.state !== null;
    const due: SortieEffect[] = [];
    a.resume = a.resume.filter((e) => {
      const ready = e.type === 'dock_command' ? dockOnline : vehicleOnline;
      if (ready) due.push(e);
      return !ready;
    });
    if (due.length === 0) return;
    a.queue = a.queue
      .then(async () => {
        for (const e of due) {
          // MISSION_START to an aircraft already flying would restart its mission.
          if (e.type === 'vehicle_command' && e.action === 'start_mission') {
            const view = vehicleView(this.o.vehicles.get(a.vehicleId));
            if (view.armed && view.landed === false) continue;
          }
          this.log('info', { sortieId: a.sortieId, effect: e }, 'resuming: performing again');
          await this.perform(a, e);
        }
      })
      .catch((err: unknown) =>
        this.log('error', { sortieId: a.sortieId, err: String(err) }, 'resuming a sortie failed'),
      );
  }

  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * A graceful stop: stops, lets the ownership check and each sortie's step under way finish,
   * then stores every driven sortie's latest state and drives nothing more, so the node that
   * takes its lease next (the app releases them) resumes from where this one was.
   */
  async shutdown(): Promise<void> {
    this.stop();
    await this.checking;
    for (const a of [...this.active.values()]) await this.letGo(a);
  }

  /** Sorties in flight or waiting, for tests and status pages. */
  activeSorties(): { sortieId: string; phase: SortiePhase; dockId: string | null; vehicleId: string }[] {
    return [...this.active.values()].map((a) => ({
      sortieId: a.sortieId,
      phase: a.machine.phase,
      dockId: a.dockId,
      vehicleId: a.vehicleId,
    }));
  }

  /**
   * The planned sortie of a vehicle that is about to arm (the flight log's `claimPlanned`):
   * the one this orchestrator is arming or starting, or has already started. The orchestrator
   * sees the live state, which the bridge channel updates before it stores the batch that the
   * flight log opens its sortie from, so the aircraft may be armed and its mission started
   * (`in_progress`) by the time the flight log asks. A vehicle whose sortie is that far along
   * and that has no sortie open in the flight log is arming for it: it has not landed since
   * (landing and disarming moves the sortie past `in_progress`).
   */
  claimFor(vehicleId: string): string | null {
    for (const a of this.active.values()) {
      if (a.vehicleId === vehicleId && CLAIMABLE_PHASES.has(a.machine.phase)) return a.sortieId;
    }
    return null;
  }

  /** Waits until every queued event of every sortie has been handled (tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.active.values()].map((a) => a.queue));
  }

  /** Aborts a sortie: before take-off it ends 'aborted'; in the air the aircraft is sent home. */
  abort(sortieId: string, code: SortieAbortCode, message: string, params?: FailureParams): boolean {
    const a = this.active.get(sortieId);
    if (!a) return false;
    // Asked by another node that saw it stored on the ground: it may have taken off since.
    if (code === 'Preempted' && !isPreemptable(a.machine)) return false;
    this.feed(a, { type: 'abort', atMs: this.o.now(), code, message, ...(params ? { params } : {}) });
    return true;
  }

  /** Places and starts a sortie; see the file comment. */
  async launch(req: LaunchRequest): Promise<LaunchResult> {
    if (req.vehicleId !== undefined) return this.launchDockless(req, req.vehicleId);
    const { db } = this.o;
    const now = this.o.now();
    const zones = await loadZones(db);
    const others = await this.elsewhere();
    const candidates = await this.candidates(others);
    // Pre-emption: a higher-ranked sortie may take a dock from a scheduled one still on the
    // ground, driven here or (several nodes) by another node, as stored there.
    const rank = sortieRank(req.sortieClass, req.priority);
    const preemptable = new Map<string, Victim>();
    for (const a of this.active.values()) {
      if (a.dockId && isPreemptable(a.machine) && sortieRank(a.machine.sortieClass, a.priority) < rank)
        preemptable.set(a.dockId, { sortieId: a.sortieId, local: a });
    }
    for (const e of others) {
      if (!e.dockId || !e.machine || preemptable.has(e.dockId)) continue;
      if (isPreemptable(e.machine) && sortieRank(e.machine.sortieClass, e.priority) < rank)
        preemptable.set(e.dockId, { sortieId: e.id });
    }
    for (const c of candidates) if (preemptable.has(c.dockId)) c.busy = false;

    const assign = () =>
      assignDock(req.route, candidates, {
        zones,
        minChargePct: this.o.minChargePct ?? 30,
        ...(this.o.weatherLimits ? { weatherLimits: this.o.weatherLimits } : {}),
        ...(req.dockIds ? { onlyDockIds: req.dockIds } : {}),
      });
    let assigned = assign();
    let victim: Victim | undefined;
    // A dock whose sortie could not be pre-empted after all (another node's, taken off since)
    // is busy: the assignment is made again without it.
    while (assigned.ok) {
      const dockId = assigned.value.dockId;
      victim = preemptable.get(dockId);
      if (!victim || (await this.preempt(victim, req.sortieClass))) break;
      victim = undefined;
      preemptable.delete(dockId);
      for (const c of candidates) if (c.dockId === dockId) c.busy = true;
      assigned = assign();
    }
    // Grounded by weather: the sortie is recorded on the nearest dock the weather turned down,
    // so the dispatcher sees it (and why) among the day's sorties. It pre-empts nothing there
    // (until 8dfe9fc it did, as a by-product of where the victim was looked up): freeing the dock
    // for a sortie that does not fly only ends a scheduled one that may fly once the weather
    // clears (one preparing on that dock is grounded by the same weather through onDock).
    const groundedAt = assigned.ok ? undefined : assigned.rejected.find((r) => r.code === 'Grounded');
    if (!assigned.ok && !groundedAt) {
      return {
        ok: false,
        sortieId: null,
        failure: {
          code: 'NoDock',
          message: assigned.message,
          params: {
            docks: assigned.rejected.length,
            codes: [...new Set(assigned.rejected.map((r) => r.code))].join(','),
          },
        },
        rejected: assigned.rejected,
      };
    }
    const chosenId = assigned.ok ? assigned.value.dockId : groundedAt!.dockId;
    const dock = candidates.find((c) => c.dockId === chosenId)!;

    const home = {
      lat: dock.lat,
      lon: dock.lon,
      ...(dock.altAmslM !== undefined ? { altAmslM: dock.altAmslM } : {}),
    };
    const a = await this.place(req, {
      vehicleId: dock.aircraft!.vehicleId,
      dockId: dock.dockId,
      home,
      zones,
      victim,
    });
    const gate = weatherGate(dock.weather, this.o.weatherLimits);
    if (!gate.ok || !assigned.ok) {
      const why = gate.ok ? (groundedAt?.message ?? 'grounded by weather') : describeGrounding(gate.reasons);
      const failure: SortieFailure = {
        code: 'WeatherGrounded',
        message: `${dock.name ?? dock.dockId}: ${why}`,
        ...(gate.ok ? {} : { params: { dock: dock.name ?? dock.dockId, ...groundingParams(gate.reasons) } }),
      };
      this.feed(a, { type: 'cannot_launch', atMs: now, failure });
      await a.queue;
      return { ok: false, sortieId: a.sortieId, failure, rejected: assigned.ok ? [] : assigned.rejected };
    }
    return this.beginHere(a);
  }

  /** Plans the flight from `p.home` (deconfliction, mission, fence), stores the sortie row and tracks it. */
  private async place(
    req: LaunchRequest,
    p: {
      vehicleId: string;
      dockId: string | null;
      home: Route['home'] & object;
      zones: Zone[];
      victim: Victim | undefined;
    },
  ): Promise<Active> {
    const { db } = this.o;
    const now = this.o.now();
    const home = p.home;
    // The capture setting as camera items: the sortie keeps (planJson) and flies the expanded route.
    let route: Route = withCaptureItems({ ...req.route, home });
    const flight: PlannedFlight = { sortieId: '', route, home, startMs: now, latestStartMs: req.windowEndMs };
    const others = [...this.active.values()]
      .filter((a) => a.sortieId !== p.victim?.sortieId)
      .map((a) => a.flight);
    for (const e of await this.elsewhere())
      if (e.flight && e.id !== p.victim?.sortieId) others.push(e.flight);
    const decision = deconflict(flight, others, {
      ...(this.o.separationM !== undefined ? { separationM: this.o.separationM } : {}),
      ...(this.o.verticalSeparationM !== undefined
        ? { verticalSeparationM: this.o.verticalSeparationM }
        : {}),
    });
    let notBeforeMs: number | null = null;
    let waiting = false;
    if (decision.decision === 'altitude') route = decision.route;
    else if (decision.decision === 'delay') notBeforeMs = decision.startMs;
    else if (decision.decision === 'wait') waiting = true;

    const sortieId = randomUUID();
    const flavourName = String(this.o.vehicles.get(p.vehicleId).state?.autopilot ?? 'px4') as Flavour;
    const flavour: Flavour = FLAVOURS.has(flavourName) ? flavourName : 'px4';
    const nearZones = p.zones.filter((z) => zoneNear(z, home, 20_000));
    const fence = fenceToItems(zonesToFence(nearZones));
    const lists: MissionLists = {
      mission: toMissionItems(route, { flavour, home }),
      ...(fence.length ? { fence } : {}),
    };

    const [vehicle] = await db
      .select({ departmentId: vehicles.departmentId })
      .from(vehicles)
      .where(eq(vehicles.id, p.vehicleId));
    const departmentId = req.departmentId ?? vehicle?.departmentId ?? null;
    await db.insert(sorties).values({
      id: sortieId,
      vehicleId: p.vehicleId,
      dockId: p.dockId,
      departmentId,
      kind: req.sortieClass === 'scheduled' ? 'patrol' : 'on_demand',
      status: 'planned',
      routeId: req.routeId,
      scheduleId: req.scheduleId,
      sortieClass: req.sortieClass,
      priority: req.priority,
      phase: 'queued',
      dueAt: new Date(req.dueMs),
      windowEndAt: req.windowEndMs !== null ? new Date(req.windowEndMs) : null,
      planJson: writeAerieRoute(route),
      createdAt: new Date(now),
    });
    const a: Active = {
      sortieId,
      vehicleId: p.vehicleId,
      dockId: p.dockId,
      routeId: req.routeId,
      scheduleId: req.scheduleId,
      departmentId,
      priority: req.priority,
      machine: newSortieMachine(req.sortieClass, now, {
        ...this.machineOptions(),
        docked: p.dockId !== null,
      }),
      lists,
      flight: { ...flight, sortieId, route, startMs: notBeforeMs ?? now },
      notBeforeMs,
      waitingForConflict: waiting,
      windowEndMs: req.windowEndMs,
      queue: Promise.resolve(),
      resume: [],
      persistedKey: '',
      persistedAtMs: 0,
      decisionReason: decision.reason,
    };
    this.active.set(sortieId, a);
    await this.persist(a);
    this.log(
      'info',
      { sortieId, dockId: a.dockId, vehicleId: a.vehicleId, decision: decision.decision },
      `sortie planned: ${decision.reason}`,
    );

    return a;
  }

  /** A dock-less sortie on `vehicleId`: it must be known, without a dock, online, with a home, and free. */
  private async launchDockless(req: LaunchRequest, vehicleId: string): Promise<LaunchResult> {
    const [row] = await this.o.db
      .select({ id: vehicles.id, dockId: vehicles.dockId })
      .from(vehicles)
      .where(eq(vehicles.id, vehicleId));
    const unavailable = (message: string, params: FailureParams): LaunchResult => ({
      ok: false,
      sortieId: null,
      failure: { code: 'VehicleUnavailable', message, params: { vehicleId, ...params } },
      rejected: [],
    });
    if (!row) return unavailable(`no vehicle with id ${vehicleId}`, { variant: 'unknown' });
    if (row.dockId)
      return unavailable(`vehicle ${vehicleId} is based at dock ${row.dockId}: launch it from its dock`, {
        variant: 'docked',
        dockId: row.dockId,
      });
    const live = this.o.vehicles.get(vehicleId);
    if (!live.online || !live.state)
      return unavailable(`vehicle ${vehicleId} is offline`, { variant: 'offline' });
    const home = live.state.home;
    if (!home) return unavailable(`vehicle ${vehicleId} reports no home position yet`, { variant: 'noHome' });
    const busy = [...this.active.values()].find((a) => a.vehicleId === vehicleId);
    if (busy)
      return unavailable(`vehicle ${vehicleId} is flying sortie ${busy.sortieId}`, {
        variant: 'busy',
        sortieId: busy.sortieId,
      });
    const a = await this.place(req, {
      vehicleId,
      dockId: null,
      home: { lat: home.lat, lon: home.lon, altAmslM: home.altMslM },
      zones: await loadZones(this.o.db),
      victim: undefined,
    });
    return this.beginHere(a);
  }

  /**
   * Begins a placed sortie here when this node has its bridge (and its lease); otherwise leaves
   * it stored as queued for the node that has the bridge, which adopts and begins it.
   */
  private async beginHere(a: Active): Promise<LaunchResult> {
    if (this.clustered && !((await this.mayDrive(a.vehicleId)) && (await this.hold(a.sortieId)))) {
      a.dropped = true;
      this.active.delete(a.sortieId);
      // An ownership check that ran while the sortie was being placed here may have taken its
      // lease: give it back (once that check is done), or the node with the bridge would wait
      // out the lease before adopting it. Releasing removes only this node's own lease.
      await this.checking;
      await this.o.ownership?.release(`sortie:${a.sortieId}`);
      const message = `${a.decisionReason}; begun by the server node its bridge is connected to`;
      this.publishQueued(a, message);
      return { ok: true, sortieId: a.sortieId, dockId: a.dockId, vehicleId: a.vehicleId, decision: message };
    }
    return this.begin(a);
  }

  /** Begins a placed sortie now, or announces why it waits. */
  private async begin(a: Active): Promise<LaunchResult> {
    const now = this.o.now();
    if (a.notBeforeMs === null && !a.waitingForConflict) this.feed(a, { type: 'begin', atMs: now });
    else this.publishQueued(a, a.decisionReason);
    await a.queue;
    return {
      ok: true,
      sortieId: a.sortieId,
      dockId: a.dockId,
      vehicleId: a.vehicleId,
      decision: a.decisionReason,
    };
  }

  private machineOptions(): SortieMachineOptions {
    const m = this.o.machine ?? {};
    return {
      ...m,
      timeouts: {
        ...m.timeouts,
        linkLostMs: this.o.lostAfterMs ?? m.timeouts?.linkLostMs ?? DEFAULT_LOST_AFTER_MS,
      },
    };
  }

  private publishQueued(a: Active, message: string): void {
    this.o.publish?.(this.progress(a, 'queued', message));
  }

  /** Docks with their aircraft, live status, and whether another sortie (here or `others`) holds them. */
  private async candidates(others: Elsewhere[]): Promise<DockCandidate[]> {
    const { db } = this.o;
    const rows = await db
      .select({
        id: docks.id,
        name: docks.name,
        lat: docks.latDeg,
        lon: docks.lonDeg,
        alt: docks.altAmslM,
        departmentId: docks.departmentId,
      })
      .from(docks);
    const aircraft = await db
      .select({ id: vehicles.id, dockId: vehicles.dockId })
      .from(vehicles)
      .where(isNotNull(vehicles.dockId));
    const busyDocks = new Set([...this.active.values()].map((a) => a.dockId));
    for (const e of others) busyDocks.add(e.dockId);
    return rows.map((d) => {
      const live = this.o.docks.getDock(d.id);
      const st = live.status;
      const v = aircraft.find((x) => x.dockId === d.id);
      const ve = v ? this.o.vehicles.get(v.id) : null;
      return {
        dockId: d.id,
        name: d.name,
        lat: d.lat,
        lon: d.lon,
        altAmslM: d.alt,
        online: live.online && st !== null,
        state: st?.state ?? 'unknown',
        faults: st?.faults ?? [],
        aircraftParked: st?.aircraftParked ?? false,
        aircraftBatteryPct:
          st?.aircraftBatteryPct ??
          (typeof ve?.state?.batteryPct === 'number' ? (ve.state.batteryPct as number) : null),
        busy: busyDocks.has(d.id),
        weather: st
          ? {
              windSpeedMps: st.windSpeedMps,
              windGustMps: st.windGustMps,
              rainMmPerH: st.rainMmPerH,
              temperatureC: st.temperatureC,
              humidityPct: st.humidityPct,
            }
          : null,
        aircraft: v
          ? { vehicleId: v.id, online: ve?.online ?? false, enduranceS: this.o.enduranceS ?? 1800 }
          : null,
      };
    });
  }

  private onDock(a: Active, d: { dockId: string; online: boolean; status: DockStatusPayload | null }): void {
    const at = this.o.now();
    if (!d.status) return;
    this.feed(a, { type: 'dock', atMs: at, dock: dockView(d.online, d.status) });
    const phase = a.machine.phase;
    if (
      phase === 'dock_preparing' ||
      phase === 'uploading' ||
      phase === 'arming' ||
      phase === 'in_progress'
    ) {
      const gate = weatherGate(
        {
          windSpeedMps: d.status.windSpeedMps,
          windGustMps: d.status.windGustMps,
          rainMmPerH: d.status.rainMmPerH,
          temperatureC: d.status.temperatureC,
          humidityPct: d.status.humidityPct,
        },
        this.o.weatherLimits,
      );
      if (!gate.ok)
        this.feed(a, {
          type: 'weather',
          atMs: at,
          ok: false,
          message: describeGrounding(gate.reasons),
          params: groundingParams(gate.reasons),
        });
    }
  }

  private tick(): void {
    const now = this.o.now();
    if (this.clustered && !this.checking) {
      this.checking = this.checkOwnership()
        .catch((err: unknown) => this.log('error', { err: String(err) }, 'sortie ownership check failed'))
        .finally(() => {
          this.checking = null;
        });
    }
    for (const a of this.active.values()) {
      if (a.resume.length > 0) this.resumePending(a);
      if (a.machine.phase === 'queued' && (a.notBeforeMs !== null || a.waitingForConflict)) {
        if (a.windowEndMs !== null && now > a.windowEndMs) {
          this.feed(a, {
            type: 'cannot_launch',
            atMs: now,
            failure: {
              code: a.waitingForConflict ? 'Conflict' : 'WindowMissed',
              message: 'its time window closed while it waited for another flight to clear',
            },
          });
          continue;
        }
        const others = [...this.active.values()]
          .filter((o) => o !== a && o.machine.phase !== 'queued')
          .map((o) => o.flight);
        const due = a.notBeforeMs !== null && now >= a.notBeforeMs;
        const clear = deconflict({ ...a.flight, startMs: now }, others).decision === 'clear';
        if (due || (a.waitingForConflict && clear)) {
          a.notBeforeMs = null;
          a.waitingForConflict = false;
          a.flight = { ...a.flight, startMs: now };
          this.feed(a, { type: 'begin', atMs: now });
        }
        continue;
      }
      this.feed(a, { type: 'tick', atMs: now });
    }
  }

  /** Queues one event for a sortie; its effects run after it. */
  private feed(a: Active, event: SortieEvent): void {
    a.queue = a.queue
      .then(async () => {
        if (a.dropped) return;
        const [next, effects] = stepSortie(a.machine, event);
        a.machine = next;
        if (!FINAL_SORTIE_PHASES.has(next.phase)) await this.persist(a);
        // The end's phase, status and failure are stored by one update, when its phase is.
        const end = effects.find((e) => e.type === 'finished');
        for (const e of effects) if (!a.dropped) await this.perform(a, e, end);
      })
      .catch((err: unknown) =>
        this.log('error', { sortieId: a.sortieId, err: String(err) }, 'sortie step failed'),
      );
  }

  /** Stores the sortie's working state when it changed (or now and then while only time moves). */
  private async persist(a: Active, force = false): Promise<void> {
    const key = persistKey(a);
    const now = this.o.now();
    if (!force && (a.dropped || (key === a.persistedKey && now - a.persistedAtMs < PERSIST_REFRESH_MS)))
      return;
    a.persistedKey = key;
    a.persistedAtMs = now;
    await this.o.db
      .update(sorties)
      .set({ orchestratorJson: JSON.stringify(persisted(a)) })
      .where(eq(sorties.id, a.sortieId));
  }

  private progress(a: Active, phase: SortiePhase, message: string): SortieProgress {
    return {
      sortieId: a.sortieId,
      vehicleId: a.vehicleId,
      dockId: a.dockId,
      routeId: a.routeId,
      scheduleId: a.scheduleId,
      departmentId: a.departmentId,
      sortieClass: a.machine.sortieClass,
      phase,
      message,
      failure: a.machine.failure,
      atMs: this.o.now(),
    };
  }

  private async perform(
    a: Active,
    e: SortieEffect,
    end?: Extract<SortieEffect, { type: 'finished' }>,
  ): Promise<void> {
    const { db } = this.o;
    switch (e.type) {
      case 'phase':
        if (end && FINAL_SORTIE_PHASES.has(e.phase)) await this.storeEnd(a, end);
        else await db.update(sorties).set({ phase: e.phase }).where(eq(sorties.id, a.sortieId));
        this.log('info', { sortieId: a.sortieId, phase: e.phase }, e.message);
        this.o.publish?.(this.progress(a, e.phase, e.message));
        return;
      case 'dock_command': {
        const action = e.action;
        if (!a.dockId) return;
        void outcomeOf(this.o.docks.command(a.dockId, { action })).then((outcome) =>
          this.feed(a, { type: 'dock_command_result', atMs: this.o.now(), action, ...outcome }),
        );
        return;
      }
      case 'upload':
        // One more try after a transfer that timed out (a lossy radio link): the bridge
        // cancelled it cleanly, and the vehicle keeps its old mission until one completes.
        void this.o.vehicles
          .upload(a.vehicleId, a.lists)
          .then((first) =>
            !first.ok && first.error.code === 'Timeout'
              ? this.o.vehicles.upload(a.vehicleId, a.lists)
              : first,
          )
          .then(
            async (reply) => {
              if (reply.ok && reply.value.missionId !== null)
                await db
                  .update(sorties)
                  .set({ missionId: reply.value.missionId })
                  .where(eq(sorties.id, a.sortieId));
              this.feed(
                a,
                reply.ok
                  ? { type: 'upload_result', atMs: this.o.now(), ok: true, missionId: reply.value.missionId }
                  : {
                      type: 'upload_result',
                      atMs: this.o.now(),
                      ok: false,
                      code: reply.error.code,
                      message: reply.error.message,
                    },
              );
            },
            (err: unknown) =>
              this.feed(a, {
                type: 'upload_result',
                atMs: this.o.now(),
                ok: false,
                code: 'Internal',
                message: String(err),
              }),
          );
        return;
      case 'vehicle_command': {
        const action = e.action;
        const command: VehicleCommand = action === 'disarm' ? { action: 'disarm' } : { action };
        void outcomeOf(this.o.vehicles.command(a.vehicleId, command)).then((outcome) =>
          this.feed(a, { type: 'command_result', atMs: this.o.now(), action, ...outcome }),
        );
        return;
      }
      case 'finished': {
        const { lost, at } = a.ended ?? (await this.storeEnd(a, e));
        if (lost) {
          const message = e.failure?.message ?? 'the aircraft was lost';
          this.log(
            'warn',
            { sortieId: a.sortieId, vehicleId: a.vehicleId },
            `sortie closed as lost: ${message}`,
          );
          this.o.onLost?.({
            sortieId: a.sortieId,
            vehicleId: a.vehicleId,
            dockId: a.dockId,
            departmentId: a.departmentId,
            message,
            atMs: at.getTime(),
          });
        }
        if (a.scheduleId) {
          await db
            .update(patrolSchedules)
            .set({
              lastOutcome: e.failure ? e.failure.code : 'closed',
              lastOutcomeMessage: e.failure?.message ?? null,
              lastSortieId: a.sortieId,
            })
            .where(eq(patrolSchedules.id, a.scheduleId));
        }
        this.active.delete(a.sortieId);
        await this.o.ownership?.release(`sortie:${a.sortieId}`);
        return;
      }
    }
  }

  /**
   * Stores a sortie's end in one update: its final phase with the status and failure, so no
   * reader (PostgreSQL: another connection) sees the phase without them.
   */
  private async storeEnd(
    a: Active,
    e: Extract<SortieEffect, { type: 'finished' }>,
  ): Promise<{ lost: boolean; at: Date }> {
    const { db } = this.o;
    const [row] = await db.select({ status: sorties.status }).from(sorties).where(eq(sorties.id, a.sortieId));
    const neverFlew = row?.status === 'planned';
    // Lost in the air and never back: the flight log would keep the sortie running for ever, so
    // it is closed here; a vehicle that does come back and disarms is closed by the flight log
    // with its figures after all.
    const lost = e.failure?.code === 'LinkLost' && row?.status !== 'completed';
    const at = new Date(this.o.now());
    await db
      .update(sorties)
      .set({
        phase: e.outcome,
        failureCode: e.failure?.code ?? null,
        failureMessage: e.failure?.message ?? null,
        failureParams: e.failure?.params ?? null,
        orchestratorJson: null,
        ...(neverFlew
          ? { status: 'aborted' as const, endReason: e.failure?.code ?? e.outcome, endedAt: at }
          : {}),
        ...(lost ? { status: 'aborted' as const, endReason: 'VehicleLost', endedAt: at } : {}),
      })
      .where(eq(sorties.id, a.sortieId));
    a.ended = { lost, at };
    return a.ended;
  }

  private log(level: 'info' | 'warn' | 'error', o: object, m: string): void {
    this.o.log?.[level](o, m);
  }
}

function zoneNear(z: Zone, p: { lat: number; lon: number }, withinM: number): boolean {
  const g = z.geometry;
  if (g.type === 'circle') return geoDistanceM(g.center, p) - g.radiusM <= withinM;
  return g.points.some((q) => geoDistanceM(q, p) <= withinM);
}

export function vehicleView(entry: { online: boolean; state: VehicleStatePayload | null }): VehicleView {
  const s = entry.state;
  return {
    online: entry.online && s?.online !== false,
    armed: s?.armed ?? false,
    landed: s?.landed ?? null,
    modeKind: s?.modeKind ?? 'other',
    batteryPct: s?.batteryPct ?? null,
  };
}

export function dockView(online: boolean, s: DockStatusPayload): DockView {
  return {
    online,
    state: s.state,
    lid: s.lid,
    charger: s.charger,
    aircraftParked: s.aircraftParked,
    faults: s.faults,
  };
}
