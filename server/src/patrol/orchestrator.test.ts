/**
 * The orchestrator driver with fake dock and vehicle ports on a real database: the effects of
 * the sortie machine reach the ports in order, answers come back as events, the sortie row
 * follows the phases and ends with the coded failure; pre-emption by an emergency sortie.
 */
import { sampleDockStatus, sampleVehicleState, type VehicleStatePayload } from '@aerie/contracts';
import type {
  CommandReply,
  DockCommand,
  DockStatusPayload,
  MissionUploadReply,
  VehicleCommand,
} from '@aerie/gcs-bridge';
import { destination, newSortieMachine, type Route } from '@aerie/missions';
import { and, eq, isNotNull, notInArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryBusNetwork } from '../cluster/bus.ts';
import { Leases } from '../cluster/leases.ts';
import { relaySortieAborts } from '../cluster/sortie-relay.ts';
import { sorties } from '../db/schema.ts';
import { create, type Harness, startHarness } from '../test/harness.ts';
import {
  type DockPort,
  Orchestrator,
  type OrchestratorOptions,
  resumeEffects,
  type SortieLost,
  type SortieProgress,
  type VehiclePort,
} from './orchestrator.ts';

const DOCK = { lat: 30.2741, lon: 120.1551 };
const ok: CommandReply = { ok: true, value: { command: 0, sends: 1 } };

function status(patch: Partial<DockStatusPayload> = {}): DockStatusPayload {
  return sampleDockStatus({ lat: DOCK.lat, lon: DOCK.lon, ...patch });
}

/** A dock that opens when told to prepare (or never, when `stuck`). */
class FakeDock implements DockPort {
  readonly commands: string[] = [];
  st = status();
  stuck = false;
  private listeners = new Set<
    (d: { dockId: string; online: boolean; status: DockStatusPayload | null }) => void
  >();
  constructor(readonly dockId: string) {}
  getDock() {
    return { online: true, status: this.st };
  }
  onDockChange(l: (d: { dockId: string; online: boolean; status: DockStatusPayload | null }) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  set(patch: Partial<DockStatusPayload>) {
    this.st = { ...this.st, ...patch };
    for (const l of this.listeners) l({ dockId: this.dockId, online: true, status: this.st });
  }
  async command(_id: string, c: DockCommand): Promise<CommandReply> {
    this.commands.push(c.action);
    if (c.action === 'prepare_takeoff' && !this.stuck)
      setTimeout(() => this.set({ state: 'ready', lid: 'open' }), 5);
    if (c.action === 'close_lid')
      setTimeout(() => this.set({ state: 'idle', lid: 'closed', charger: 'idle' }), 5);
    if (c.action === 'start_charging')
      setTimeout(() => this.set({ state: 'charging', charger: 'charging' }), 5);
    return ok;
  }
}

class FakeVehicle implements VehiclePort {
  readonly commands: string[] = [];
  uploads = 0;
  uploadReply: MissionUploadReply = {
    ok: true,
    value: { missionId: 0xbeef, counts: { mission: 4, fence: 0, rally: 0 } },
  };
  state: VehicleStatePayload = sampleVehicleState({
    online: true,
    armed: false,
    landed: true,
    modeKind: 'hold',
    batteryPct: 95,
    autopilot: 'px4',
  });
  private listeners = new Set<
    (id: string, e: { online: boolean; state: VehicleStatePayload | null }) => void
  >();
  constructor(readonly vehicleId: string) {}
  get() {
    return { online: true, state: this.state };
  }
  subscribe(l: (id: string, e: { online: boolean; state: VehicleStatePayload | null }) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  set(patch: Partial<VehicleStatePayload>) {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l(this.vehicleId, { online: true, state: this.state });
  }
  async command(_id: string, c: VehicleCommand): Promise<CommandReply> {
    this.commands.push(c.action);
    return ok;
  }
  async upload(): Promise<MissionUploadReply> {
    this.uploads++;
    return this.uploadReply;
  }
}

let h: Harness;
let dockId = '';
let vehicleId = '';
const route: Route = {
  name: 'loop',
  defaults: { altM: 30, speedMps: 8 },
  items: [
    { type: 'takeoff', altM: 30 },
    { type: 'waypoint', ...destination(DOCK, 0, 200), altM: 30 },
    { type: 'rtl' },
  ],
};

beforeAll(async () => {
  h = await startHarness({ patrol: { scheduler: false } });
  const site = await create(h, '/api/sites', { name: 'S', latDeg: DOCK.lat, lonDeg: DOCK.lon });
  dockId = String(
    (
      await create(h, '/api/docks', {
        name: 'D1',
        serial: 'D1',
        model: 'sim',
        siteId: site.id,
        latDeg: DOCK.lat,
        lonDeg: DOCK.lon,
        altAmslM: 10,
      })
    ).id,
  );
  vehicleId = String(
    (await create(h, '/api/vehicles', { name: 'V1', serial: 'V1', model: 'sim', dockId })).id,
  );
});
afterAll(async () => {
  await h.close();
});

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function setup(extra: Partial<OrchestratorOptions> = {}) {
  const dock = new FakeDock(dockId);
  const vehicle = new FakeVehicle(vehicleId);
  const progress: SortieProgress[] = [];
  const o = new Orchestrator({
    db: h.app.aerie.database.db,
    now: Date.now,
    docks: dock,
    vehicles: vehicle,
    publish: (p) => progress.push(p),
    tickMs: 60_000,
    ...extra,
  });
  return { dock, vehicle, progress, o };
}

/** The test database, recording what each update of a sortie row sets. */
function recordingSortieWrites() {
  const db = h.app.aerie.database.db;
  const writes: Record<string, unknown>[] = [];
  const recording = new Proxy(db, {
    get(target, key, receiver) {
      if (key !== 'update') return Reflect.get(target, key, receiver);
      return (table: unknown) => {
        const builder = target.update(table as typeof sorties);
        if (table !== sorties) return builder;
        return new Proxy(builder, {
          get(b, k, r) {
            if (k !== 'set') return Reflect.get(b, k, r);
            return (values: Record<string, unknown>) => {
              writes.push(values);
              return b.set(values);
            };
          },
        });
      };
    },
  });
  return { db: recording, writes };
}

const launch = (o: Orchestrator, sortieClass: 'scheduled' | 'emergency' = 'scheduled') =>
  o.launch({
    route,
    routeId: null,
    scheduleId: null,
    sortieClass,
    priority: 10,
    dueMs: Date.now(),
    windowEndMs: null,
    dockIds: null,
    departmentId: null,
  });

const row = async (id: string) =>
  (await h.app.aerie.database.db.select().from(sorties).where(eq(sorties.id, id)))[0]!;

describe('orchestrator driver', () => {
  // A new orchestrator resumes what earlier ones left unfinished: each test starts clean.
  beforeEach(async () => {
    await h.app.aerie.database.db
      .update(sorties)
      .set({ phase: 'aborted', orchestratorJson: null })
      .where(and(isNotNull(sorties.phase), notInArray(sorties.phase, ['closed', 'failed', 'aborted'])));
  });

  it('flies the cycle through the ports and closes the row', async () => {
    const { dock, vehicle, progress, o } = setup();
    await o.start();
    const r = await launch(o);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    await until(() => vehicle.commands.includes('start_mission'), 'start_mission');
    expect(o.claimFor(vehicleId)).toBe(r.sortieId);
    vehicle.set({ armed: true, landed: false, modeKind: 'mission' });
    vehicle.set({ modeKind: 'return' });
    vehicle.set({ armed: false, landed: true, modeKind: 'land' });
    await until(async () => (await row(r.sortieId)).phase === 'closed', 'closed');
    expect(dock.commands).toEqual(['prepare_takeoff', 'prepare_landing', 'close_lid', 'start_charging']);
    expect(vehicle.commands).toEqual(['arm', 'start_mission']);
    expect((await row(r.sortieId)).missionId).toBe(0xbeef);
    expect(progress.map((p) => p.phase)).toEqual([
      'dock_preparing',
      'uploading',
      'arming',
      'starting',
      'in_progress',
      'returning',
      'lid_closing',
      'charging',
      'closed',
    ]);
    o.stop();
  });

  it('gives the flight log its planned sortie when the arm reaches it after the mission started, not after landing', async () => {
    // The live state (which the orchestrator follows) is updated before the bridge channel
    // stores the batch the flight log opens its sortie from: the aircraft can be armed and
    // flying its mission before the flight log asks whose flight it is.
    const { vehicle, progress, o } = setup();
    await o.start();
    const r = await launch(o);
    if (!r.ok) throw new Error('launch failed');
    await until(() => vehicle.commands.includes('start_mission'), 'start_mission');
    vehicle.set({ armed: true, landed: false, modeKind: 'mission' });
    await until(() => progress.some((p) => p.phase === 'in_progress'), 'in_progress');
    expect(o.claimFor(vehicleId)).toBe(r.sortieId);
    vehicle.set({ modeKind: 'return' });
    vehicle.set({ armed: false, landed: true, modeKind: 'land' });
    await until(async () => (await row(r.sortieId)).phase === 'closed', 'closed');
    // Armed again after the sortie landed: a flight of its own.
    expect(o.claimFor(vehicleId)).toBeNull();
    o.stop();
  });

  it('an upload refused closes the dock again and ends the row failed with the reason', async () => {
    const { db, writes } = recordingSortieWrites();
    const { dock, vehicle, o } = setup({ db });
    vehicle.uploadReply = {
      ok: false,
      error: { code: 'VehicleRejected', message: 'NO_SPACE', missionType: 'mission' },
    };
    await o.start();
    const r = await launch(o);
    if (!r.ok) throw new Error('launch failed');
    await until(async () => (await row(r.sortieId)).phase === 'failed', 'failed');
    const s = await row(r.sortieId);
    expect(s).toMatchObject({
      phase: 'failed',
      status: 'aborted',
      failureCode: 'UploadRefused',
      endReason: 'UploadRefused',
    });
    expect(s.failureMessage).toContain('NO_SPACE');
    // Stored beside the English so consoles word it: the bridge's code and the vehicle's own words.
    expect(s.failureParams).toEqual({ result: 'VehicleRejected', said: 'NO_SPACE' });
    // The end is one update: no reader (on PostgreSQL, another connection) can see the phase
    // 'failed' while the status is still 'planned' or the failure not yet there.
    const ends = writes.filter((w) => ['closed', 'failed', 'aborted'].includes(String(w.phase)));
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ phase: 'failed', status: 'aborted', failureCode: 'UploadRefused' });
    await until(() => dock.commands.includes('close_lid'), 'close_lid');
    expect(vehicle.commands).toEqual([]);
    o.stop();
  });

  it('an emergency sortie pre-empts a scheduled one still on the ground', async () => {
    const { dock, o } = setup();
    dock.stuck = true;
    await o.start();
    const first = await launch(o, 'scheduled');
    if (!first.ok) throw new Error('launch failed');
    const second = await launch(o, 'emergency');
    expect(second.ok).toBe(true);
    await until(async () => (await row(first.sortieId)).phase === 'aborted', 'pre-emption');
    expect(await row(first.sortieId)).toMatchObject({
      failureCode: 'Preempted',
      failureParams: { sortieClass: 'emergency' },
    });
    expect(o.activeSorties().map((a) => a.sortieId)).toEqual([second.ok ? second.sortieId : '']);
    o.stop();
  });

  it('an emergency grounded by weather leaves the scheduled sortie on that dock alone', async () => {
    const { dock, o } = setup();
    dock.stuck = true;
    await o.start();
    const first = await launch(o, 'scheduled');
    if (!first.ok) throw new Error('launch failed');
    // The weather is read at launch, not announced: the scheduled sortie stands as one still
    // queued (waiting for airspace) does, which no dock status grounds.
    dock.st = { ...dock.st, windSpeedMps: 16 };
    const second = await launch(o, 'emergency');
    expect(second).toMatchObject({ ok: false, failure: { code: 'WeatherGrounded' } });
    if (second.ok || !second.sortieId) throw new Error('the grounded emergency was not recorded');
    expect(await row(second.sortieId)).toMatchObject({ dockId, failureCode: 'WeatherGrounded' });
    // Pre-empting it would free the dock for a sortie that does not fly.
    expect(o.activeSorties().map((a) => a.sortieId)).toEqual([first.sortieId]);
    expect(await row(first.sortieId)).toMatchObject({ phase: 'dock_preparing', failureCode: null });
    o.stop();
  });

  it('closes the sortie of an aircraft lost in the air and never back, after the lost timeout, with an alert', async () => {
    const lost: SortieLost[] = [];
    const { vehicle, o } = setup({ tickMs: 20, lostAfterMs: 300, onLost: (l) => lost.push(l) });
    await o.start();
    const r = await launch(o);
    if (!r.ok) throw new Error('launch failed');
    await until(() => vehicle.commands.includes('start_mission'), 'start_mission');
    vehicle.set({ armed: true, landed: false, modeKind: 'mission' });
    await until(async () => (await row(r.sortieId)).phase === 'in_progress', 'in_progress');
    // Silence from here on: no state from the vehicle any more. The phase is stored before the
    // finish (status, reason, end): wait for the finished row and the alert, not only the phase.
    await until(async () => {
      const now = await row(r.sortieId);
      return now.phase === 'failed' && now.endedAt !== null && lost.length > 0;
    }, 'the lost timeout');
    const s = await row(r.sortieId);
    expect(s).toMatchObject({ status: 'aborted', endReason: 'VehicleLost', failureCode: 'LinkLost' });
    expect(typeof s.failureParams?.seconds).toBe('number');
    expect(s.endedAt).not.toBeNull();
    expect(lost).toEqual([
      expect.objectContaining({ sortieId: r.sortieId, vehicleId, dockId, message: s.failureMessage }),
    ]);
    expect(o.activeSorties()).toEqual([]);
    o.stop();
  });

  it('resumes a sortie in the air after a restart and lands it in a dock prepared again', async () => {
    const first = setup();
    await first.o.start();
    const r = await launch(first.o);
    if (!r.ok) throw new Error('launch failed');
    await until(() => first.vehicle.commands.includes('start_mission'), 'start_mission');
    first.vehicle.set({ armed: true, landed: false, modeKind: 'mission' });
    first.vehicle.set({ modeKind: 'return' });
    await until(async () => (await row(r.sortieId)).phase === 'returning', 'returning');
    await first.o.settled();
    // The server dies: nothing more of the first process. The dock closed meanwhile.
    first.o.stop();
    expect((await row(r.sortieId)).orchestratorJson).not.toBeNull();

    const second = setup();
    second.dock.st = { ...second.dock.st, lid: 'closed', state: 'idle', aircraftParked: false };
    second.vehicle.state = { ...second.vehicle.state, armed: true, landed: false, modeKind: 'return' };
    await second.o.start();
    expect(second.o.activeSorties()).toEqual([
      { sortieId: r.sortieId, phase: 'returning', dockId, vehicleId },
    ]);
    // Prepared for the landing of an aircraft already in the air, not failed.
    await until(() => second.dock.commands.includes('prepare_landing'), 'prepare_landing after the restart');
    expect(second.progress[0]).toMatchObject({ sortieId: r.sortieId, phase: 'returning' });
    expect(second.progress[0]!.message).toContain('resumed');
    second.vehicle.set({ armed: false, landed: true, modeKind: 'land' });
    // The phase is stored before the finish clears the working state (see 'an upload refused').
    await until(async () => {
      const now = await row(r.sortieId);
      return now.phase === 'closed' && now.orchestratorJson === null;
    }, 'closed');
    expect(second.dock.commands).toEqual(['prepare_landing', 'close_lid', 'start_charging']);
    expect(second.vehicle.commands).toEqual([]);
    const done = await row(r.sortieId);
    expect(done).toMatchObject({ failureCode: null, orchestratorJson: null });
    second.o.stop();
  });

  it('begins a sortie the restart caught before it began', async () => {
    const first = setup();
    first.dock.stuck = true;
    await first.o.start();
    const r = await launch(first.o);
    if (!r.ok) throw new Error('launch failed');
    await first.o.settled();
    first.o.stop();
    // As if the process died between storing the row and handling 'begin'.
    const stored = JSON.parse((await row(r.sortieId)).orchestratorJson!);
    stored.machine.phase = 'queued';
    await h.app.aerie.database.db
      .update(sorties)
      .set({ phase: 'queued', orchestratorJson: JSON.stringify(stored) })
      .where(eq(sorties.id, r.sortieId));
    const second = setup({ tickMs: 20 });
    await second.o.start();
    await until(() => second.dock.commands.includes('prepare_takeoff'), 'prepare_takeoff after the restart');
    // ... and goes on from there: upload, arm.
    await until(
      () => second.vehicle.uploads === 1 && second.vehicle.commands.includes('arm'),
      'upload and arm',
    );
    second.o.stop();
  });

  it('performs again what a restart lost, per phase', () => {
    const m = (phase: string, airborne = false) =>
      resumeEffects({ ...newSortieMachine('scheduled', 0), phase: phase as never, airborne });
    expect(m('dock_preparing')).toEqual([{ type: 'dock_command', action: 'prepare_takeoff' }]);
    expect(m('uploading')).toEqual([{ type: 'upload' }]);
    expect(m('arming')).toEqual([{ type: 'vehicle_command', action: 'arm' }]);
    expect(m('starting')).toEqual([{ type: 'vehicle_command', action: 'start_mission' }]);
    expect(m('starting', true)).toEqual([]);
    expect(m('in_progress', true)).toEqual([]);
    expect(m('landing', true)).toEqual([{ type: 'dock_command', action: 'prepare_landing' }]);
    expect(m('lid_closing', true)).toEqual([{ type: 'dock_command', action: 'close_lid' }]);
    expect(m('charging', true)).toEqual([{ type: 'dock_command', action: 'start_charging' }]);
    expect(m('queued')).toEqual([]);
  });
});

/**
 * Two orchestrators on the test database, as two server nodes with their leases (`ttlMs`) and an
 * in-memory cluster bus for aborts; the dock's bridge is connected to node `bridge.at`.
 */
function twoNodes(opts: { ttlMs?: number } = {}) {
  const db = h.app.aerie.database.db;
  const dock = new FakeDock(dockId);
  const vehicle = new FakeVehicle(vehicleId);
  const bridge: { at: 'a' | 'b' } = { at: 'b' };
  const progress: string[] = [];
  const net = memoryBusNetwork();
  const node = (nodeId: 'a' | 'b') => {
    const leases = new Leases({ db, nodeId, ttlMs: opts.ttlMs ?? 5000, now: Date.now });
    const o = new Orchestrator({
      db,
      now: Date.now,
      docks: dock,
      vehicles: vehicle,
      publish: (p) => progress.push(`${nodeId}:${p.phase}`),
      tickMs: 20,
      handoverGraceMs: 60,
      ownership: leases,
      isLocal: async () => bridge.at === nodeId,
    });
    const relay = relaySortieAborts(net.join(nodeId), o, 500);
    o.abortElsewhere = relay.abortElsewhere;
    return { o, leases, relay };
  };
  const a = node('a');
  const b = node('b');
  return {
    db,
    dock,
    vehicle,
    bridge,
    progress,
    a: a.o,
    b: b.o,
    leasesOf: { a: a.leases, b: b.leases },
    async start() {
      await a.o.start();
      await b.o.start();
    },
    stop() {
      for (const n of [a, b]) {
        n.o.stop();
        n.relay.close();
      }
    },
  };
}

/** The aircraft takes off on the sortie's mission start and flies it. */
async function takeOff(vehicle: FakeVehicle, sortieId: string): Promise<void> {
  await until(() => vehicle.commands.includes('start_mission'), 'the mission started');
  vehicle.set({ armed: true, landed: false, modeKind: 'mission' });
  await until(async () => (await row(sortieId)).phase === 'in_progress', 'in progress');
}

/** The aircraft comes home and lands; the sortie closes, each step performed once across nodes. */
async function landOnce(n: ReturnType<typeof twoNodes>, sortieId: string): Promise<void> {
  n.vehicle.set({ modeKind: 'return' });
  n.vehicle.set({ armed: false, landed: true, modeKind: 'land' });
  await until(async () => (await row(sortieId)).phase === 'closed', 'closed');
  // Each step once: no second take-off preparation, arming or mission start.
  expect(n.dock.commands).toEqual(['prepare_takeoff', 'prepare_landing', 'close_lid', 'start_charging']);
  expect(n.vehicle.commands).toEqual(['arm', 'start_mission']);
}

describe('orchestrator on two server nodes', () => {
  beforeEach(async () => {
    await h.app.aerie.database.db
      .update(sorties)
      .set({ phase: 'aborted', orchestratorJson: null })
      .where(and(isNotNull(sorties.phase), notInArray(sorties.phase, ['closed', 'failed', 'aborted'])));
  });

  it('is driven only by the node holding its bridge, and handed over mid-flight without flying twice', async () => {
    const n = twoNodes();
    const { a, b, progress } = n;
    await n.start();
    try {
      // Launched on A (the dispatcher's request landed there), but the bridge is on B.
      const r = await launch(a);
      if (!r.ok) throw new Error(`launch failed: ${r.failure.message}`);
      expect(r.decision).toContain('begun by the server node its bridge is connected to');
      expect(a.activeSorties()).toEqual([]);
      await takeOff(n.vehicle, r.sortieId);
      expect(b.activeSorties().map((s) => s.sortieId)).toEqual([r.sortieId]);

      // The bridge reconnects to A: B hands the sortie over, A takes it and lands it.
      n.bridge.at = 'a';
      await until(() => a.activeSorties().length === 1 && b.activeSorties().length === 0, 'the handover');
      await landOnce(n, r.sortieId);
      expect(progress.filter((p) => p.startsWith('a:') && p !== 'a:queued')[0]).toBe('a:in_progress');
      expect(progress).toContain('b:starting');
      expect(progress.some((p) => p.startsWith('b:') && ['returning', 'closed'].includes(p.slice(2)))).toBe(
        false,
      );
      await until(
        async () => (await n.leasesOf.a.get(`sortie:${r.sortieId}`)) === null,
        'the lease released',
      );
    } finally {
      n.stop();
    }
  });

  it('a node stopping gracefully stores its sortie and frees its lease: the next node takes it at once', async () => {
    // A lease far longer than the test: only a release lets A take the sortie.
    const n = twoNodes({ ttlMs: 600_000 });
    const { a, b } = n;
    await n.start();
    try {
      const r = await launch(b);
      if (!r.ok) throw new Error(`launch failed: ${r.failure.message}`);
      await takeOff(n.vehicle, r.sortieId);
      // B stops as the app does on SIGTERM; its bridge reconnects to A.
      await b.shutdown();
      await n.leasesOf.b.releaseAll();
      n.bridge.at = 'a';
      await until(() => a.activeSorties()[0]?.phase === 'in_progress', 'A taking it over');
      await landOnce(n, r.sortieId);
    } finally {
      n.stop();
    }
  });

  it('an emergency launched on one node pre-empts the scheduled sortie another node drives on the dock', async () => {
    const n = twoNodes();
    const { a, b, dock, progress } = n;
    dock.stuck = true;
    await n.start();
    try {
      const first = await launch(b, 'scheduled');
      if (!first.ok) throw new Error(`launch failed: ${first.failure.message}`);
      await until(async () => (await row(first.sortieId)).phase === 'dock_preparing', 'B preparing the dock');
      // A (the dispatcher's request landed there) sees the dock taken by B's sortie, still on the ground.
      const second = await launch(a, 'emergency');
      if (!second.ok) throw new Error(`emergency refused: ${second.failure.message}`);
      expect(second.dockId).toBe(dockId);
      expect(await row(first.sortieId)).toMatchObject({
        phase: 'aborted',
        status: 'aborted',
        failureCode: 'Preempted',
        failureParams: { sortieClass: 'emergency' },
      });
      expect(progress).toContain('b:aborted');
      // B, which has the bridge, takes the emergency sortie up and prepares the dock for it.
      await until(
        () =>
          b
            .activeSorties()
            .map((s) => s.sortieId)
            .join() === second.sortieId,
        'B driving the emergency sortie',
      );
      await until(async () => (await row(second.sortieId)).phase === 'dock_preparing', 'emergency under way');
      expect(a.activeSorties()).toEqual([]);

      // A sortie in the air is not pre-empted from another node: the emergency finds no dock.
      dock.set({ state: 'ready', lid: 'open' });
      await takeOff(n.vehicle, second.sortieId);
      const third = await launch(a, 'emergency');
      expect(third.ok).toBe(false);
      expect((await row(second.sortieId)).phase).toBe('in_progress');
    } finally {
      n.stop();
      n.vehicle.set({ armed: false, landed: true, modeKind: 'land' });
    }
  });
});
