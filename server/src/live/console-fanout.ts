/**
 * Telemetry fan-out to web consoles on the `/console` namespace (event map and delivery rules
 * in `console-events.ts`).
 *
 * Back-pressure: each socket keeps, per vehicle, only a "dirty" mark; the state itself is read
 * from the LiveStateStore at send time, so whatever goes out is the newest snapshot. A socket
 * gets a state message only when its Engine.IO connection has nothing in flight (transport
 * writable, write buffer empty); otherwise the mark stays and the send is retried after
 * `retryMs`. A client that stops reading therefore holds at most one message in the server's
 * buffers (plus what the kernel holds), and at most one mark per vehicle. Volatile emits were
 * not used because they drop the latest state as readily as stale ones.
 *
 * Authorisation uses the HTTP permission matrix: connecting and focusing need
 * `vehicles.read`; a 'department' scope limits every event to vehicles of the user's
 * department. The session is checked at connect, on every focus, and every `sessionCheckMs`
 * (a signed-out or disabled user is disconnected).
 */
import type { VehicleEventPayload } from '@aerie/gcs-bridge';
import { eq } from 'drizzle-orm';
import type { Namespace, Server, Socket } from 'socket.io';
import { decide, type Scope } from '../auth/permissions.ts';
import { SESSION_COOKIE } from '../auth/plugin.ts';
import { type AuthUser, findSessionUser } from '../auth/sessions.ts';
import type { AppContext } from '../context.ts';
import { vehicles } from '../db/schema.ts';
import { createAlertCoalescer, createAlertDeriver, createRecentAlerts } from './console-alerts.ts';
import {
  CONSOLE_NAMESPACE,
  type ConsoleAck,
  type ConsoleClientToServer,
  type ConsoleErrorCode,
  type ConsoleFleetItem,
  type ConsoleServerToClient,
  type ConsoleVehicleAlert,
  type ConsoleVehicleState,
  FLEET_FIELDS,
  type FleetVehicleSummary,
  MAX_FOCUS,
  RECENT_ALERTS,
  RECENT_ALERTS_PER_VEHICLE,
} from './console-events.ts';
import type { LiveEntry } from './live-state-store.ts';

/** What the namespace keeps on each socket. */
export interface ConsoleSocketData {
  user: AuthUser;
  token: string;
  scope: Scope;
}

export type ConsoleNamespace = Namespace<
  ConsoleClientToServer,
  ConsoleServerToClient,
  Record<string, never>,
  ConsoleSocketData
>;
type ConsoleSocket = Socket<
  ConsoleClientToServer,
  ConsoleServerToClient,
  Record<string, never>,
  ConsoleSocketData
>;

export interface ConsoleFanoutOptions {
  /** Period of the whole-fleet batch (default 500 ms, ~2 Hz). */
  fleetIntervalMs?: number;
  /** Shortest gap between two states of one focused vehicle (default 100 ms, 10 Hz). */
  focusIntervalMs?: number;
  /** How soon a send held back by an undrained connection is tried again (default 20 ms). */
  retryMs?: number;
  /** How often the vehicle -> department map for scoped users is reloaded (default 5 s). */
  directoryRefreshMs?: number;
  /** How often every socket's session is checked again (default 30 s). */
  sessionCheckMs?: number;
  /** Stored vehicle events (the bridge channel), from which status-text alerts are derived. */
  vehicleEvents?: VehicleEventSource;
}

/** What emits stored vehicle events (the bridge channel's `vehicle.event`). */
export interface VehicleEventSource {
  on(
    event: 'vehicle.event',
    fn: (vehicleId: string, atMs: number, event: VehicleEventPayload) => void,
  ): unknown;
  off(
    event: 'vehicle.event',
    fn: (vehicleId: string, atMs: number, event: VehicleEventPayload) => void,
  ): unknown;
}

/** The running fan-out. */
export interface ConsoleFanout {
  readonly namespace: ConsoleNamespace;
  /** Held-back work, for tests and health: sockets, dirty fleet marks, dirty focus marks. */
  stats(): { sockets: number; pendingFleet: number; pendingFocus: number };
  /** Stops timers and disconnects console sockets (the io server stays up). */
  close(): void;
  /** Raises an alert from outside the live state (a sortie closed as lost), through the storm coalescer. */
  alert(a: Omit<ConsoleVehicleAlert, 'id'>): void;
}

interface FocusEntry {
  dirty: boolean;
  lastSentMs: number;
  timer: NodeJS.Timeout | null;
}

interface Client {
  socket: ConsoleSocket;
  /**
   * Null while the socket is in step with the fleet broadcast. Otherwise the vehicles changed
   * since its last fleet message (it was not drained at a tick, or just connected); it gets
   * them in a message of its own as soon as it drains, and is back in step.
   */
  behind: Set<string> | null;
  focus: Map<string, FocusEntry>;
  fleetRetry: NodeJS.Timeout | null;
}

/** Token from `auth: { token }` or the session cookie of the handshake. */
function handshakeToken(socket: ConsoleSocket): string | null {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  if (typeof auth?.token === 'string' && auth.token) return auth.token;
  const header = socket.handshake.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === SESSION_COOKIE) {
      return decodeURIComponent(part.slice(i + 1).trim()) || null;
    }
  }
  return null;
}

function refusal(code: ConsoleErrorCode, message: string): Error & { data: { code: ConsoleErrorCode } } {
  return Object.assign(new Error(message), { data: { code } });
}

/** True when nothing of this socket is waiting in Engine.IO's buffers or on the wire. */
function drained(socket: ConsoleSocket): boolean {
  const conn = socket.conn as unknown as {
    readyState: string;
    transport: { writable: boolean };
    writeBuffer: unknown[];
  };
  return conn.readyState === 'open' && conn.transport.writable && conn.writeBuffer.length === 0;
}

function fleetView(vehicleId: string, e: LiveEntry): ConsoleFleetItem {
  let state: FleetVehicleSummary | null = null;
  if (e.state) {
    const summary: Record<string, unknown> = {};
    for (const f of FLEET_FIELDS) summary[f] = e.state[f] ?? null;
    state = summary as FleetVehicleSummary;
  }
  return { vehicleId, online: e.online, state, updatedAtMs: e.updatedAtMs };
}

function view(vehicleId: string, e: LiveEntry): ConsoleVehicleState {
  return {
    vehicleId,
    online: e.online,
    state: e.state as ConsoleVehicleState['state'],
    updatedAtMs: e.updatedAtMs,
  };
}

/** Attaches the `/console` namespace to `io`, fed by `ctx.liveState`. */
export function attachConsole(io: Server, ctx: AppContext, opts: ConsoleFanoutOptions = {}): ConsoleFanout {
  const fleetIntervalMs = opts.fleetIntervalMs ?? 500;
  const focusIntervalMs = opts.focusIntervalMs ?? 100;
  const retryMs = opts.retryMs ?? 20;
  const directoryRefreshMs = opts.directoryRefreshMs ?? 5000;
  const sessionCheckMs = opts.sessionCheckMs ?? 30_000;
  const { db } = ctx.database;
  const store = ctx.liveState;
  const ns = io.of(CONSOLE_NAMESPACE) as unknown as ConsoleNamespace;
  const clients = new Map<string, Client>();
  /** vehicleId -> departmentId, for department-scoped sockets only. */
  let departments = new Map<string, string | null>();
  let departmentsLoaded = false;
  const lastOnline = new Map<string, boolean>();
  for (const [id, e] of store.all()) lastOnline.set(id, e.online);
  /** Vehicles changed since the last fleet tick. */
  const delta = new Set<string>();
  /** vehicleId -> the clients focusing it. */
  const focusers = new Map<string, Set<Client>>();

  const visible = (c: Client, vehicleId: string): boolean => {
    const data = c.socket.data;
    if (data.scope === 'all') return true;
    const dep = data.user.departmentId;
    return dep !== null && departments.get(vehicleId) === dep;
  };

  async function loadDepartments(): Promise<void> {
    const rows = await db.select({ id: vehicles.id, departmentId: vehicles.departmentId }).from(vehicles);
    departments = new Map(rows.map((r) => [r.id, r.departmentId]));
    departmentsLoaded = true;
  }

  /** Sends a lagging socket what it missed, in one message, once it has drained. */
  function flushBehind(c: Client): void {
    const behind = c.behind;
    if (!behind) return;
    if (behind.size === 0) {
      c.behind = null;
      return;
    }
    if (!drained(c.socket)) {
      c.fleetRetry ??= setTimeout(() => {
        c.fleetRetry = null;
        flushBehind(c);
      }, retryMs);
      return;
    }
    const items: ConsoleFleetItem[] = [];
    for (const id of behind) items.push(fleetView(id, store.get(id)));
    c.behind = null;
    c.socket.emit('fleet.state', items);
  }

  /**
   * The fleet tick. Sockets in step share one broadcast per scope (encoded once, however many
   * consoles watch); a socket that is not drained falls behind and catches up on its own.
   */
  function fleetTick(): void {
    const changed = [...delta];
    delta.clear();
    const groups = new Map<string, { items: ConsoleFleetItem[]; ids: string[] }>();
    for (const c of clients.values()) {
      if (c.behind) {
        for (const id of changed) if (visible(c, id)) c.behind.add(id);
        flushBehind(c);
        continue;
      }
      if (changed.length === 0) continue;
      if (!drained(c.socket)) {
        c.behind = new Set(changed.filter((id) => visible(c, id)));
        flushBehind(c);
        continue;
      }
      const key = c.socket.data.scope === 'all' ? '*' : `department:${c.socket.data.user.departmentId}`;
      let group = groups.get(key);
      if (!group) {
        const items = changed.filter((id) => visible(c, id)).map((id) => fleetView(id, store.get(id)));
        group = { items, ids: [] };
        groups.set(key, group);
      }
      group.ids.push(c.socket.id);
    }
    // Every socket is in the room named by its id.
    for (const g of groups.values()) if (g.items.length) ns.to(g.ids).emit('fleet.state', g.items);
  }

  function flushFocus(c: Client, vehicleId: string): void {
    const f = c.focus.get(vehicleId);
    if (!f?.dirty || f.timer) return;
    const wait = f.lastSentMs + focusIntervalMs - Date.now();
    if (wait > 0 || !drained(c.socket)) {
      f.timer = setTimeout(
        () => {
          f.timer = null;
          flushFocus(c, vehicleId);
        },
        Math.max(wait, retryMs),
      );
      return;
    }
    f.dirty = false;
    f.lastSentMs = Date.now();
    c.socket.emit('vehicle.state', view(vehicleId, store.get(vehicleId)));
  }

  const alerts = createAlertDeriver();
  // Storms are coalesced and the recent list is capped per vehicle (console-alerts.ts).
  const coalescer = createAlertCoalescer();
  const recentAlerts = createRecentAlerts(RECENT_ALERTS, RECENT_ALERTS_PER_VEHICLE);
  function send(a: ConsoleVehicleAlert): void {
    recentAlerts.add(a);
    for (const c of clients.values()) if (visible(c, a.vehicleId)) c.socket.emit('vehicle.alert', [a]);
  }
  function publishAlert(a: ConsoleVehicleAlert): void {
    for (const out of coalescer.offer(a, ctx.now())) send(out);
  }
  const onVehicleEvent = (vehicleId: string, atMs: number, event: VehicleEventPayload) => {
    const a = alerts.fromEvent(vehicleId, atMs, event);
    if (a) publishAlert(a);
  };
  opts.vehicleEvents?.on('vehicle.event', onVehicleEvent);

  const unsubscribe = store.subscribe((vehicleId, entry) => {
    const known = lastOnline.has(vehicleId);
    const was = lastOnline.get(vehicleId) ?? false;
    lastOnline.set(vehicleId, entry.online);
    if (was !== entry.online) {
      const link = { vehicleId, atMs: ctx.now() };
      for (const c of clients.values()) {
        if (visible(c, vehicleId)) c.socket.emit(entry.online ? 'vehicle.online' : 'vehicle.offline', link);
      }
      // First sight is not news; a loss is, and so is the return after one.
      if (known) publishAlert(alerts.fromLink(vehicleId, entry.online, link.atMs));
    }
    if (entry.online && entry.state) {
      for (const a of alerts.fromState(vehicleId, entry.state, ctx.now())) publishAlert(a);
    }
    delta.add(vehicleId);
    const watching = focusers.get(vehicleId);
    if (!watching) return;
    for (const c of watching) {
      const f = c.focus.get(vehicleId);
      if (f) {
        f.dirty = true;
        flushFocus(c, vehicleId);
      }
    }
  });

  function unfocus(c: Client, vehicleId: string): void {
    const f = c.focus.get(vehicleId);
    if (f?.timer) clearTimeout(f.timer);
    c.focus.delete(vehicleId);
    const watching = focusers.get(vehicleId);
    watching?.delete(c);
    if (watching?.size === 0) focusers.delete(vehicleId);
  }

  function dropClient(c: Client): void {
    clients.delete(c.socket.id);
    if (c.fleetRetry) clearTimeout(c.fleetRetry);
    for (const id of [...c.focus.keys()]) unfocus(c, id);
  }

  /**
   * Checks the socket's session again and refreshes role and department; the caller
   * disconnects the socket when this refuses (after answering, so the client learns why).
   */
  async function recheck(c: Client): Promise<ConsoleAck> {
    const user = await findSessionUser(db, c.socket.data.token, ctx.now());
    if (!user) {
      return { ok: false, error: { code: 'Unauthorized', message: 'the session has ended; sign in again' } };
    }
    const scope = decide(user.role, 'vehicles.read');
    if (!scope) {
      return { ok: false, error: { code: 'Forbidden', message: `role ${user.role} may not vehicles.read` } };
    }
    c.socket.data.user = user;
    c.socket.data.scope = scope;
    return { ok: true };
  }

  ns.use((socket, next) => {
    const token = handshakeToken(socket);
    if (!token) {
      next(refusal('Unauthorized', 'sign in first (session cookie or auth.token)'));
      return;
    }
    findSessionUser(db, token, ctx.now()).then(
      async (user) => {
        if (!user) return next(refusal('Unauthorized', 'the session is unknown or has ended; sign in again'));
        const scope = decide(user.role, 'vehicles.read');
        if (!scope) return next(refusal('Forbidden', `role ${user.role} may not vehicles.read`));
        if (scope === 'department' && !departmentsLoaded) await loadDepartments();
        socket.data = { user, token, scope };
        next();
      },
      (err: unknown) => next(err instanceof Error ? err : new Error(String(err))),
    );
  });

  ns.on('connection', (socket) => {
    const c: Client = { socket, behind: new Set(), focus: new Map(), fleetRetry: null };
    clients.set(socket.id, c);
    for (const [id] of store.all()) if (visible(c, id)) c.behind!.add(id);
    flushBehind(c);
    const mine = recentAlerts.list().filter((a) => visible(c, a.vehicleId));
    if (mine.length > 0) socket.emit('vehicle.alert', mine);

    socket.on('vehicle.focus', (request, ack) => {
      const reply = (r: ConsoleAck) => {
        if (typeof ack === 'function') ack(r);
      };
      const vehicleId = (request as { vehicleId?: unknown } | null)?.vehicleId;
      if (typeof vehicleId !== 'string' || vehicleId.length === 0 || vehicleId.length > 64) {
        return reply({
          ok: false,
          error: { code: 'ValidationFailed', message: 'vehicle.focus needs { vehicleId: string }' },
        });
      }
      void (async () => {
        const auth = await recheck(c);
        if (!auth.ok) {
          reply(auth);
          socket.disconnect(true);
          return;
        }
        const [row] = await db
          .select({ id: vehicles.id, departmentId: vehicles.departmentId })
          .from(vehicles)
          .where(eq(vehicles.id, vehicleId));
        const dep = socket.data.user.departmentId;
        if (!row || (socket.data.scope === 'department' && (dep === null || row.departmentId !== dep))) {
          return reply({
            ok: false,
            error: { code: 'NotFound', message: `no vehicle with id ${vehicleId}` },
          });
        }
        if (socket.data.scope === 'department') departments.set(row.id, row.departmentId);
        if (!clients.has(socket.id)) return;
        if (!c.focus.has(vehicleId) && c.focus.size >= MAX_FOCUS) {
          return reply({
            ok: false,
            error: {
              code: 'TooManyFocused',
              message: `at most ${MAX_FOCUS} vehicles may be focused at once`,
            },
          });
        }
        const f = c.focus.get(vehicleId) ?? { dirty: false, lastSentMs: 0, timer: null };
        f.dirty = store.get(vehicleId).updatedAtMs !== null;
        c.focus.set(vehicleId, f);
        let watching = focusers.get(vehicleId);
        if (!watching) {
          watching = new Set();
          focusers.set(vehicleId, watching);
        }
        watching.add(c);
        reply({ ok: true });
        flushFocus(c, vehicleId);
      })().catch(() => {
        reply({ ok: false, error: { code: 'Internal', message: 'the vehicle could not be looked up' } });
      });
    });

    socket.on('vehicle.unfocus', (request, ack) => {
      const vehicleId = (request as { vehicleId?: unknown } | null)?.vehicleId;
      if (typeof vehicleId === 'string') unfocus(c, vehicleId);
      if (typeof ack === 'function') {
        ack(
          typeof vehicleId === 'string'
            ? { ok: true }
            : {
                ok: false,
                error: { code: 'ValidationFailed', message: 'vehicle.unfocus needs { vehicleId: string }' },
              },
        );
      }
    });

    socket.on('disconnect', () => dropClient(c));
  });

  const timers = [
    setInterval(fleetTick, fleetIntervalMs),
    setInterval(() => {
      for (const a of coalescer.tick(ctx.now())) send(a);
    }, 1000),
    setInterval(() => {
      if (![...clients.values()].some((c) => c.socket.data.scope === 'department')) return;
      loadDepartments().catch(() => {});
    }, directoryRefreshMs),
    setInterval(() => {
      for (const c of clients.values()) {
        recheck(c).then(
          (r) => {
            if (!r.ok) c.socket.disconnect(true);
          },
          () => {},
        );
      }
    }, sessionCheckMs),
  ];
  for (const t of timers) t.unref();

  return {
    namespace: ns,
    stats() {
      let pendingFleet = 0;
      let pendingFocus = 0;
      for (const c of clients.values()) {
        pendingFleet += c.behind?.size ?? 0;
        for (const f of c.focus.values()) if (f.dirty) pendingFocus++;
      }
      return { sockets: clients.size, pendingFleet, pendingFocus };
    },
    alert(a) {
      publishAlert(alerts.external(a));
    },
    close() {
      unsubscribe();
      opts.vehicleEvents?.off('vehicle.event', onVehicleEvent);
      for (const t of timers) clearInterval(t);
      for (const c of [...clients.values()]) {
        dropClient(c);
        c.socket.disconnect(true);
      }
    },
  };
}
