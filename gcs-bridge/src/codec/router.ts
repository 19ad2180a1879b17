import type { MavlinkConnection, PacketInfo } from './connection.ts';
import { GCS_COMPID, GCS_SYSID } from './types.ts';

/**
 * MAV_TYPE_GCS: the peers that want every device's broadcasts. Companion computers
 * (MAV_TYPE_ONBOARD_CONTROLLER) count as devices: they sit beside their own aircraft, and docks
 * announce themselves with that type.
 */
const LISTENER_TYPES = new Set([6]);

/** MAV_TYPE of a framed HEARTBEAT (MAVLink 1 or 2; payload byte 4, zero when trimmed away). */
export function heartbeatType(raw: Buffer): number | null {
  const v2 = raw[0] === 0xfd;
  if (!v2 && raw[0] !== 0xfe) return null;
  const len = raw[1] ?? 0;
  const at = (v2 ? 10 : 6) + 4;
  return len > 4 ? (raw[at] ?? null) : 0;
}

/** What the routing decision needs from a packet. */
export interface RoutablePacket {
  sysid: number;
  compid: number;
  targetSystem?: number;
  targetComponent?: number;
}

/**
 * MAVLink routing as the spec describes it (mavlink.io "Routing"), kept pure so it can be
 * tested without sockets:
 * - learn on which connection each (sysid, compid) is heard;
 * - a packet with no target field, or target system 0, goes to every other connection, except
 *   from one device link to another: a link on which only devices (aircraft, docks, companions:
 *   anything whose HEARTBEAT type is not a ground station) have been heard is a device link. A
 *   fleet bridge has one link per aircraft, and forwarding every aircraft's telemetry to every
 *   other aircraft would multiply the traffic by the fleet size and tell them nothing; ground
 *   stations still get everything;
 * - a packet with a target system goes only to connections where that system (and, if the
 *   target component is non-zero, that component) was heard; unknown targets are not sent;
 * - never back to where it came from; packets addressed to the router's own ids stay here.
 */
export class RoutingTable {
  /** (sysid << 8 | compid) -> connection ids it was heard on. */
  private readonly components = new Map<number, Set<string>>();
  private readonly systems = new Map<number, Set<string>>();
  /** Links where a device's heartbeat was heard, and where a ground station's was. */
  private readonly deviceHeard = new Set<string>();
  private readonly listenerHeard = new Set<string>();

  constructor(
    private readonly self: { sysid: number; compid: number } = { sysid: GCS_SYSID, compid: GCS_COMPID },
  ) {}

  /** Records that (sysid, compid) talks over `connectionId`. */
  learn(connectionId: string, sysid: number, compid: number): void {
    const key = (sysid << 8) | compid;
    let c = this.components.get(key);
    if (!c) {
      c = new Set();
      this.components.set(key, c);
    }
    c.add(connectionId);
    let s = this.systems.get(sysid);
    if (!s) {
      s = new Set();
      this.systems.set(sysid, s);
    }
    s.add(connectionId);
  }

  /** Records a HEARTBEAT's MAV_TYPE heard on `connectionId` (what kind of peer is there). */
  learnType(connectionId: string, mavType: number): void {
    if (LISTENER_TYPES.has(mavType)) this.listenerHeard.add(connectionId);
    else this.deviceHeard.add(connectionId);
  }

  /** Only devices heard on this link so far (see the class comment). */
  private deviceOnly(connectionId: string): boolean {
    return this.deviceHeard.has(connectionId) && !this.listenerHeard.has(connectionId);
  }

  /** Forgets a connection (closed or removed). */
  forget(connectionId: string): void {
    for (const set of [...this.components.values(), ...this.systems.values()]) set.delete(connectionId);
    this.deviceHeard.delete(connectionId);
    this.listenerHeard.delete(connectionId);
  }

  /** Connection ids `packet` (received on `from`) must be forwarded to, given all connection ids. */
  route(from: string, packet: RoutablePacket, all: readonly string[]): string[] {
    const ts = packet.targetSystem;
    if (ts === undefined || ts === 0) {
      const fromDevice = this.deviceOnly(from);
      return all.filter((id) => id !== from && !(fromDevice && this.deviceOnly(id)));
    }
    const tc = packet.targetComponent ?? 0;
    if (ts === this.self.sysid && tc === this.self.compid) return [];
    const where = tc === 0 ? this.systems.get(ts) : this.components.get((ts << 8) | tc);
    if (!where) return [];
    return all.filter((id) => id !== from && where.has(id));
  }

  /** Where each (sysid, compid) was heard, for diagnostics. */
  snapshot(): { sysid: number; compid: number; connections: string[] }[] {
    return [...this.components.entries()].map(([key, set]) => ({
      sysid: key >> 8,
      compid: key & 0xff,
      connections: [...set],
    }));
  }
}

/** A router wired to live connections. */
export interface AttachedRouter {
  table: RoutingTable;
  /** Packets forwarded (one per destination). */
  forwarded(): number;
  detach(): void;
}

/**
 * Forwards packets between connections unchanged (signatures stay valid end to end), so a
 * second ground station on another port shares the aircraft through the bridge, without
 * echoing one aircraft's broadcasts to the others.
 */
export function attachRouter(
  connections: readonly MavlinkConnection[],
  self: { sysid: number; compid: number } = { sysid: GCS_SYSID, compid: GCS_COMPID },
): AttachedRouter {
  const table = new RoutingTable(self);
  const ids = connections.map((c) => c.id);
  if (new Set(ids).size !== ids.length)
    throw new Error(`attachRouter: connection ids must be unique, got ${ids.join(', ')}`);
  const byId = new Map(connections.map((c) => [c.id, c]));
  let forwarded = 0;
  const offs = connections.map((c) =>
    c.onPacket((p: PacketInfo) => {
      table.learn(c.id, p.sysid, p.compid);
      if (p.msgid === 0) {
        const type = heartbeatType(p.raw);
        if (type !== null) table.learnType(c.id, type);
      }
      for (const to of table.route(c.id, p, ids)) {
        byId.get(to)?.sendRaw(p.raw);
        forwarded++;
      }
    }),
  );
  return {
    table,
    forwarded: () => forwarded,
    detach: () => {
      for (const off of offs) off();
    },
  };
}
