/**
 * Messages between the server nodes of one deployment (issue 17), carried by the official
 * Socket.IO Redis adapter's `serverSideEmit` on the main namespace: the adapter already holds a
 * Redis publish and subscribe connection per node, and a server-side emit reaches every other
 * node (never the sender). Without Redis there is no bus at all: one node has nobody to tell.
 *
 * What travels here is what each node's own fan-out needs to serve its own consoles (see
 * `live-replica.ts` for why telemetry is not broadcast to console rooms instead).
 */
import type { BridgeRequestKind, ConsoleVehicleAlert, VehicleEventPayload } from '@aerie/contracts';
import type { FailureParams } from '@aerie/missions';
import type { Server } from 'socket.io';
import type { LiveDock } from '../live/dock-store.ts';
import type { LiveEntry } from '../live/live-state-store.ts';

/** Vehicles and docks whose live entry changed on the sending node, newest entry each. */
export interface LiveBatch {
  nodeId: string;
  vehicles: [vehicleId: string, entry: LiveEntry][];
  docks: LiveDock[];
}

export interface ClusterMessages {
  /** A node started (or reconnected to Redis): the others send it what they hold. */
  'node.hello': { nodeId: string };
  /** Sent every few seconds; a node silent for longer than `deadAfterMs` is gone. */
  'node.alive': { nodeId: string; atMs: number };
  'live.batch': LiveBatch;
  /** A vehicle event stored by the sending node (status texts become console alerts). */
  'vehicle.event': { nodeId: string; vehicleId: string; atMs: number; event: VehicleEventPayload };
  /** An alert raised outside the live state (a sortie lost, a fire ticket). */
  'console.alert': { nodeId: string; alert: Omit<ConsoleVehicleAlert, 'id'> };
  /** The bridges connected to the sending node (every few seconds, and on each change). */
  'bridge.presence': { nodeId: string; bridgeIds: string[] };
  /** A bridge request (command, upload) for the bridge connected to node `via`. */
  'bridge.request': {
    nodeId: string;
    via: string;
    requestId: string;
    bridgeId: string;
    kind: BridgeRequestKind;
    payload: unknown;
    timeoutMs: number | undefined;
  };
  'bridge.progress': { nodeId: string; to: string; requestId: string; progress: unknown };
  /**
   * Abort (an operator's, or a pre-emption) of a sortie this node does not drive: the node that
   * drives it answers. Code and params as a local abort stores them (`failure_params`).
   */
  'sortie.abort': {
    nodeId: string;
    requestId: string;
    sortieId: string;
    code: 'OperatorAbort' | 'Preempted';
    message: string;
    params?: FailureParams;
  };
  'sortie.abort.accepted': { nodeId: string; to: string; requestId: string };
  'bridge.reply': { nodeId: string; to: string; requestId: string; reply: unknown };
}

export type ClusterKind = keyof ClusterMessages;

export interface ClusterBus {
  readonly nodeId: string;
  /** Sends to every other node. */
  publish<K extends ClusterKind>(kind: K, message: ClusterMessages[K]): void;
  /** Handles `kind` from other nodes; returns the function that stops. */
  subscribe<K extends ClusterKind>(kind: K, handler: (message: ClusterMessages[K]) => void): () => void;
}

const PREFIX = 'aerie:';

/** The bus over `io`'s adapter (the Redis adapter in a cluster). */
export function socketIoBus(io: Server, nodeId: string): ClusterBus {
  const ns = io.of('/');
  type Untyped = {
    serverSideEmit(ev: string, ...args: unknown[]): boolean;
    on(ev: string, fn: (m: unknown) => void): unknown;
    off(ev: string, fn: (m: unknown) => void): unknown;
  };
  const untyped = ns as unknown as Untyped;
  return {
    nodeId,
    publish(kind, message) {
      untyped.serverSideEmit(PREFIX + kind, message);
    },
    subscribe(kind, handler) {
      const fn = (m: unknown) => handler(m as ClusterMessages[typeof kind]);
      untyped.on(PREFIX + kind, fn);
      return () => void untyped.off(PREFIX + kind, fn);
    },
  };
}

/**
 * Buses joined in memory, for tests: a message published on one reaches every other one of the
 * same network (asynchronously, as over Redis), never the sender.
 */
export function memoryBusNetwork(): { join(nodeId: string): ClusterBus & { leave(): void } } {
  const members = new Map<string, Map<string, Set<(m: unknown) => void>>>();
  return {
    join(nodeId) {
      const handlers = new Map<string, Set<(m: unknown) => void>>();
      members.set(nodeId, handlers);
      return {
        nodeId,
        publish(kind, message) {
          const copy = JSON.parse(JSON.stringify(message)) as unknown;
          for (const [id, hs] of members) {
            if (id === nodeId) continue;
            for (const h of hs.get(kind) ?? []) queueMicrotask(() => h(copy));
          }
        },
        subscribe(kind, handler) {
          const set = handlers.get(kind) ?? new Set();
          handlers.set(kind, set);
          const fn = handler as (m: unknown) => void;
          set.add(fn);
          return () => void set.delete(fn);
        },
        leave() {
          members.delete(nodeId);
        },
      };
    },
  };
}
