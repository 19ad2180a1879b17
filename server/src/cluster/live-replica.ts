/**
 * Live state across server nodes (issue 17). A bridge streams to one node; consoles may be
 * connected to any node. How a vehicle's telemetry on node B reaches a console on node A:
 *
 * Not by broadcasting console events to rooms through the Redis adapter. The console fan-out
 * (`live/console-fanout.ts`) sends each socket the newest state only when that socket's
 * connection has drained (per-client back-pressure) and batches the fleet per tick; a room
 * broadcast from node B would bypass both, queueing every state for a slow console on node A.
 * Instead every node replicates the live stores: the node holding a bridge publishes the
 * entries that changed (coalesced per event-loop turn, newest entry per vehicle and dock) on
 * the cluster bus, and every other node applies them to its own LiveStateStore and
 * LiveDockStore. Each node's fan-out then serves its own consoles exactly as a single node
 * does, and `GET /api/vehicles`, dock status and health read the whole fleet on any node.
 * (Rare console events that need no back-pressure — ticket changes, sortie and upload
 * progress — are emitted to rooms and cross nodes through the adapter itself.)
 *
 * Which copy wins: the newer `updatedAtMs` (LiveStateStore.apply), so a node that lost a
 * bridge and marks its vehicles offline cannot overwrite what the node that now holds the
 * bridge has reported since. A node that has heard of no other node sends no batches (the first
 * message it hears from a new node makes it send all it holds). A node that dies says nothing: every node sends `node.alive`
 * every `aliveEveryMs`, and the vehicles and docks last reported by a node silent for
 * `deadAfterMs` are marked offline, until their bridge reports again through another node.
 * A node that starts says `node.hello` and the others send it what they hold.
 *
 * Vehicle events (status texts become console alerts) and alerts raised outside the live state
 * (a sortie lost, a fire ticket) are relayed the same way, into each node's alert feed.
 */
import { EventEmitter } from 'node:events';
import type { ConsoleVehicleAlert, VehicleEventPayload } from '@aerie/contracts';
import type { VehicleEventSource } from '../live/console-fanout.ts';
import type { LiveDock, LiveDockStore } from '../live/dock-store.ts';
import type { LiveEntry, LiveStateListener, LiveStateStore } from '../live/live-state-store.ts';
import type { ClusterBus, LiveBatch } from './bus.ts';

export interface LiveReplicaOptions {
  bus: ClusterBus;
  liveState: LiveStateStore;
  docks: LiveDockStore;
  /** The bridge channel: its stored vehicle events are relayed to the other nodes. */
  vehicleEvents: VehicleEventSource;
  now?: () => number;
  /** How often this node says it is alive (default 2000 ms). */
  aliveEveryMs?: number;
  /** A node silent this long is gone and its vehicles offline (default 3 x aliveEveryMs). */
  deadAfterMs?: number;
}

type VehicleEventArgs = [vehicleId: string, atMs: number, event: VehicleEventPayload];

export interface LiveReplica {
  /** Vehicle events of every node (this one's bridge channel and the others'), for the alert feed. */
  readonly vehicleEvents: EventEmitter<{ 'vehicle.event': VehicleEventArgs }>;
  /** True when `vehicleId`'s entry came from another node (its bridge is not connected here). */
  isRemote(vehicleId: string): boolean;
  /** Nodes heard from recently, with when (this one excluded). */
  peers(): Map<string, number>;
  /** Sends an externally raised alert to the other nodes (this node raises its own copy). */
  relayAlert(alert: Omit<ConsoleVehicleAlert, 'id'>): void;
  /** Alerts relayed by the other nodes go to `deliver` (this node's console fan-out). */
  onRelayedAlert(deliver: (alert: Omit<ConsoleVehicleAlert, 'id'>) => void): () => void;
  close(): void;
}

export function replicateLive(o: LiveReplicaOptions): LiveReplica {
  const { bus, liveState, docks } = o;
  const now = o.now ?? Date.now;
  const aliveEveryMs = o.aliveEveryMs ?? 2000;
  const deadAfterMs = o.deadAfterMs ?? 3 * aliveEveryMs;
  /** vehicleId / dockId -> the node whose entry this store holds (absent: this node's own). */
  const vehicleOrigin = new Map<string, string>();
  const dockOrigin = new Map<string, string>();
  const lastHeard = new Map<string, number>();
  const pendingVehicles = new Map<string, LiveEntry>();
  const pendingDocks = new Map<string, LiveDock>();
  let flushScheduled = false;
  /** Set while remote entries are applied, so they are not sent back out. */
  let applying = false;
  const events = new EventEmitter<{ 'vehicle.event': VehicleEventArgs }>();

  function flush(): void {
    flushScheduled = false;
    if (pendingVehicles.size === 0 && pendingDocks.size === 0) return;
    if (lastHeard.size === 0) {
      // Nobody to tell (a node alone, or every other one gone): a node heard of later gets what
      // this one holds then (`sendOwn`), so nothing is lost by not encoding and sending it now.
      pendingVehicles.clear();
      pendingDocks.clear();
      return;
    }
    const batch: LiveBatch = {
      nodeId: bus.nodeId,
      vehicles: [...pendingVehicles],
      docks: [...pendingDocks.values()],
    };
    pendingVehicles.clear();
    pendingDocks.clear();
    bus.publish('live.batch', batch);
  }
  const schedule = () => {
    if (flushScheduled) return;
    flushScheduled = true;
    setImmediate(flush);
  };

  const onVehicle: LiveStateListener = (vehicleId, entry) => {
    if (applying) return;
    vehicleOrigin.delete(vehicleId);
    pendingVehicles.set(vehicleId, entry);
    schedule();
  };
  const onDock = (d: LiveDock) => {
    if (applying) return;
    dockOrigin.delete(d.dockId);
    pendingDocks.set(d.dockId, d);
    schedule();
  };

  function asRemote(fn: () => void): void {
    applying = true;
    try {
      fn();
    } finally {
      applying = false;
    }
  }

  function apply(batch: LiveBatch): void {
    lastHeard.set(batch.nodeId, now());
    // The origin is set before the store's listeners run, so they can already tell it is remote.
    const applied = (origins: Map<string, string>, id: string, take: () => boolean) => {
      const prev = origins.get(id);
      origins.set(id, batch.nodeId);
      if (take()) return;
      if (prev === undefined) origins.delete(id);
      else origins.set(id, prev);
    };
    asRemote(() => {
      for (const [id, entry] of batch.vehicles) applied(vehicleOrigin, id, () => liveState.apply(id, entry));
      for (const d of batch.docks) applied(dockOrigin, d.dockId, () => docks.apply(d));
    });
  }

  /** Everything this node reports itself, for a node that just started. */
  function sendOwn(): void {
    for (const [id, entry] of liveState.all()) if (!vehicleOrigin.has(id)) pendingVehicles.set(id, entry);
    for (const d of docks.all()) if (!dockOrigin.has(d.dockId)) pendingDocks.set(d.dockId, d);
    schedule();
  }

  function buryDead(): void {
    const t = now();
    for (const [nodeId, at] of lastHeard) {
      if (t - at < deadAfterMs) continue;
      lastHeard.delete(nodeId);
      asRemote(() => {
        for (const [id, origin] of vehicleOrigin)
          if (origin === nodeId) {
            liveState.setOffline(id);
            vehicleOrigin.delete(id);
          }
        for (const [id, origin] of dockOrigin)
          if (origin === nodeId) {
            docks.setOffline(id);
            dockOrigin.delete(id);
          }
      });
    }
  }

  const onLocalEvent = (vehicleId: string, atMs: number, event: VehicleEventPayload) => {
    events.emit('vehicle.event', vehicleId, atMs, event);
    bus.publish('vehicle.event', { nodeId: bus.nodeId, vehicleId, atMs, event });
  };
  o.vehicleEvents.on('vehicle.event', onLocalEvent);

  const alertHandlers = new Set<(a: Omit<ConsoleVehicleAlert, 'id'>) => void>();
  const heard = (nodeId: string) => lastHeard.set(nodeId, now());
  const stops = [
    liveState.subscribe(onVehicle),
    docks.onDockChange(onDock),
    bus.subscribe('live.batch', apply),
    bus.subscribe('node.alive', (m) => {
      // A node first heard of here may have missed what this node sent before it listened.
      if (!lastHeard.has(m.nodeId)) sendOwn();
      heard(m.nodeId);
    }),
    bus.subscribe('node.hello', (m) => {
      heard(m.nodeId);
      sendOwn();
    }),
    bus.subscribe('vehicle.event', (m) => {
      heard(m.nodeId);
      events.emit('vehicle.event', m.vehicleId, m.atMs, m.event);
    }),
    bus.subscribe('console.alert', (m) => {
      heard(m.nodeId);
      for (const h of alertHandlers) h(m.alert);
    }),
  ];
  bus.publish('node.hello', { nodeId: bus.nodeId });
  const timer = setInterval(() => {
    bus.publish('node.alive', { nodeId: bus.nodeId, atMs: now() });
    buryDead();
  }, aliveEveryMs);
  timer.unref();

  return {
    vehicleEvents: events,
    isRemote: (vehicleId) => vehicleOrigin.has(vehicleId),
    peers: () => new Map(lastHeard),
    relayAlert(alert) {
      bus.publish('console.alert', { nodeId: bus.nodeId, alert });
    },
    onRelayedAlert(deliver) {
      alertHandlers.add(deliver);
      return () => void alertHandlers.delete(deliver);
    },
    close() {
      clearInterval(timer);
      for (const s of stops) s();
      o.vehicleEvents.off('vehicle.event', onLocalEvent);
    },
  };
}

/**
 * The live store as seen by work that must run only where a vehicle's bridge is (detection on
 * its camera frames): vehicles reported by other nodes look offline.
 */
export function localView(
  store: Pick<LiveStateStore, 'subscribe' | 'all'>,
  isRemote: (vehicleId: string) => boolean,
): Pick<LiveStateStore, 'subscribe' | 'all'> {
  const seen = (id: string, e: LiveEntry): LiveEntry => (isRemote(id) ? { ...e, online: false } : e);
  return {
    subscribe: (listener) => store.subscribe((id, e) => listener(id, seen(id, e))),
    *all() {
      for (const [id, e] of store.all()) yield [id, seen(id, e)] as [string, LiveEntry];
    },
  };
}
