/**
 * Messages between the server nodes of one deployment (issue 17), on one Redis channel
 * (`aerie:bus`) through the publish and subscribe connections the Socket.IO Redis adapter
 * already holds (its listener ignores a channel that is not its own). A message reaches every
 * node subscribed, the sender too, as Redis does; each message starts with a header line naming
 * the sender and the kind, so a node drops its own messages, and those of kinds it does not
 * handle, without decoding them (a node used to decode every live batch it sent itself: the
 * adapter's `serverSideEmit` parses a message before it looks at the sender). Without Redis
 * there is no bus at all: one node has nobody to tell.
 *
 * What travels here is what each node's own fan-out needs to serve its own consoles (see
 * `live-replica.ts` for why telemetry is not broadcast to console rooms instead).
 */
import type { BridgeRequestKind, ConsoleVehicleAlert, VehicleEventPayload } from '@aerie/contracts';
import type { FailureParams } from '@aerie/missions';
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

/** The Redis channel of the bus. */
export const BUS_CHANNEL = 'aerie:bus';

/** The header line of a message: the sender (URI-encoded, so it holds no space or newline) and the kind. */
function header(nodeId: string, kind: string): string {
  return `${encodeURIComponent(nodeId)} ${kind}\n`;
}

/** What the bus needs of an ioredis client: publish on one, subscribe and listen on the other. */
export interface BusRedis {
  publish(channel: string, message: string): Promise<unknown>;
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  on(event: 'messageBuffer', fn: (channel: Buffer, message: Buffer) => void): unknown;
  off(event: 'messageBuffer', fn: (channel: Buffer, message: Buffer) => void): unknown;
}

/**
 * The bus over Redis: `pub` publishes, `sub` (a connection in subscriber mode, which may be
 * shared with the Socket.IO adapter) receives. A message that is not JSON after its header is
 * dropped; that, a failed publish and a failed subscription are reported to `onError`.
 */
export function redisBus(
  pub: Pick<BusRedis, 'publish'>,
  sub: BusRedis,
  nodeId: string,
  onError: (error: Error) => void = () => {},
): ClusterBus & { close(): Promise<void> } {
  const own = Buffer.from(`${encodeURIComponent(nodeId)} `);
  const channel = Buffer.from(BUS_CHANNEL);
  const handlers = new Map<string, Set<(m: unknown) => void>>();
  const listener = (from: Buffer, message: Buffer) => {
    if (!from.equals(channel)) return;
    // The sender's own messages are dropped before anything is decoded.
    if (message.length > own.length && message.subarray(0, own.length).equals(own)) return;
    const eol = message.indexOf(10);
    const space = message.indexOf(32);
    if (eol < 0 || space < 0 || space > eol) return onError(new Error('bus message without a header'));
    const hs = handlers.get(message.toString('utf8', space + 1, eol));
    if (!hs || hs.size === 0) return;
    let decoded: unknown;
    try {
      decoded = JSON.parse(message.toString('utf8', eol + 1));
    } catch (err) {
      return onError(err as Error);
    }
    for (const h of hs) h(decoded);
  };
  sub.on('messageBuffer', listener);
  sub.subscribe(BUS_CHANNEL).catch(onError);
  return {
    nodeId,
    publish(kind, message) {
      pub.publish(BUS_CHANNEL, header(nodeId, kind) + JSON.stringify(message)).catch(onError);
    },
    subscribe(kind, handler) {
      const set = handlers.get(kind) ?? new Set();
      handlers.set(kind, set);
      const fn = handler as (m: unknown) => void;
      set.add(fn);
      return () => void set.delete(fn);
    },
    async close() {
      sub.off('messageBuffer', listener);
      handlers.clear();
      await sub.unsubscribe(BUS_CHANNEL).catch(() => {});
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
