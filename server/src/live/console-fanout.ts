/**
 * Telemetry fan-out to web consoles on the `/console` namespace (event map and delivery rules
 * in @aerie/contracts `console.ts`).
 *
 * Back-pressure: each socket keeps, per vehicle, only a "dirty" mark; the state itself is read
 * from the LiveStateStore at send time, so whatever goes out is the newest snapshot. A socket
 * gets a state message only when its connection has nothing in flight (`drained`, in
 * `back-pressure.ts`); otherwise the mark stays and the send is retried after `retryMs`. A client that stops reading therefore holds at most one message in the server's
 * buffers (plus what the kernel holds), and at most one mark per vehicle. Volatile emits were
 * not used because they drop the latest state as readily as stale ones.
 *
 * Authorisation uses the HTTP permission matrix (`console-auth.ts`): connecting and focusing
 * need `vehicles.read`; a 'department' scope limits every event to vehicles of the user's
 * department (the one rule and cache in `visibility.ts`). The session is checked at connect, on
 * every focus, and every `sessionCheckMs` (a signed-out or disabled user is disconnected).
 *
 * The pieces: `fleetStream` (whole-fleet batches, shared per scope), `focusStreams` (full-rate
 * state of focused vehicles), `alertFeed` (derived alerts, recent ones on connect); `attachConsole`
 * signs sockets in and wires the pieces to the live store and to each socket's requests.
 */
import {
  CONSOLE_NAMESPACE,
  type ConsoleAck,
  type ConsoleClientToServer,
  type ConsoleFleetRow,
  type ConsoleServerToClient,
  type ConsoleVehicleAlert,
  type ConsoleVehicleState,
  encodeFleetRow,
  MAX_FOCUS,
  RECENT_ALERTS,
  RECENT_ALERTS_PER_VEHICLE,
  type VehicleEventPayload,
} from '@aerie/contracts';
import { eq } from 'drizzle-orm';
import type { Namespace, Server, Socket } from 'socket.io';
import type { AppContext } from '../context.ts';
import { vehicles } from '../db/schema.ts';
import { drained } from './back-pressure.ts';
import { createAlertCoalescer, createAlertDeriver, createRecentAlerts } from './console-alerts.ts';
import {
  applySession,
  type ConsoleSocketData,
  consoleSignIn,
  lookupSession,
  recheckSession,
  type SessionCheck,
  viewerOf,
} from './console-auth.ts';
import { focusSlotAfterSend, focusWait } from './focus-rate.ts';
import type { LiveEntry, LiveStateStore } from './live-state-store.ts';
import { DepartmentDirectory, maySee, viewerRooms } from './visibility.ts';

export type { ConsoleSocketData } from './console-auth.ts';

/** The periodic session check goes over the sockets in this many turns (`checkSessions`). */
const SESSION_TURNS = 10;

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
  /**
   * Turns the consoles' fleet batches are spread over within a period (default 5: a fifth of the
   * consoles every 100 ms); 1 sends every console's batch at the same tick.
   */
  fleetPhases?: number;
  /** Average gap between two states of one focused vehicle on one socket (default 100 ms, 10 Hz; `focus-rate.ts`). */
  focusIntervalMs?: number;
  /** How soon a send held back by an undrained connection is tried again (default 20 ms). */
  retryMs?: number;
  /** How often the vehicle -> department map for scoped users is reloaded (default 5 s). */
  directoryRefreshMs?: number;
  /** How often every socket's session is checked again (default 30 s; spread over the period). */
  sessionCheckMs?: number;
  /** Stored vehicle events (the bridge channel), from which status-text alerts are derived. */
  vehicleEvents?: VehicleEventSource;
  /** The department cache shared with the other console events (one of its own when omitted). */
  departments?: DepartmentDirectory;
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
  /**
   * Raises an alert from outside the live state (a sortie closed as lost, a fire ticket), through
   * the storm coalescer.
   */
  alert(a: Omit<ConsoleVehicleAlert, 'id'>): void;
}

interface FocusEntry {
  /** The socket has not had the vehicle's newest state. */
  dirty: boolean;
  /** The socket's place on the vehicle's rate schedule (`focus-rate.ts`), null before the first send. */
  slotMs: number | null;
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
  /** Which turn of the fleet period the socket's batches go in (`fleetStream`). */
  fleetTurn: number;
  /** Which turn of the session check period its session is looked up in (`checkSessions`). */
  sessionTurn: number;
}

/** What the pieces share: the live store, the connected clients and who may see what. */
interface Shared {
  store: LiveStateStore;
  clients: Map<string, Client>;
  visible(c: Client, vehicleId: string): boolean;
  retryMs: number;
}

function fleetView(vehicleId: string, e: LiveEntry): ConsoleFleetRow {
  return encodeFleetRow(vehicleId, e.online, e.state, e.updatedAtMs);
}

function view(vehicleId: string, e: LiveEntry): ConsoleVehicleState {
  return { vehicleId, online: e.online, state: e.state, updatedAtMs: e.updatedAtMs };
}

/**
 * Whole-fleet batches: the vehicles changed since the socket's last batch, fleet fields only.
 * Sockets are spread over `phases` turns of the fleet period, a turn every
 * `fleetIntervalMs / phases`: each socket still gets a batch per period, but the node writes
 * (and the consoles parse) a share of the batches at a time instead of every console's batch at
 * the same moment, which held the node's event loop (and every focused state behind it) for the
 * whole burst. Sockets of one turn in step share one broadcast per scope (encoded once, however
 * many consoles watch); a socket that is not drained falls behind and catches up on its own, in
 * one message, once it drains.
 */
function fleetStream(s: Shared, ns: ConsoleNamespace, phases: number) {
  /** Per turn: the vehicles changed since that turn's last batch. */
  const deltas = Array.from({ length: phases }, () => new Set<string>());
  /** Per turn: its clients. */
  const turns = Array.from({ length: phases }, () => new Set<Client>());
  let next = 0;
  let assigned = 0;

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
      }, s.retryMs);
      return;
    }
    const items: ConsoleFleetRow[] = [];
    for (const id of behind) items.push(fleetView(id, s.store.get(id)));
    c.behind = null;
    c.socket.emit('fleet.state', items);
  }

  /** The next turn: its sockets get the vehicles changed since their last batch. */
  function tick(): void {
    const turn = next;
    next = (next + 1) % phases;
    const delta = deltas[turn]!;
    const changed = [...delta];
    delta.clear();
    const groups = new Map<string, { items: ConsoleFleetRow[]; ids: string[] }>();
    for (const c of turns[turn]!) {
      if (c.behind) {
        for (const id of changed) if (s.visible(c, id)) c.behind.add(id);
        flushBehind(c);
        continue;
      }
      if (changed.length === 0) continue;
      if (!drained(c.socket)) {
        c.behind = new Set(changed.filter((id) => s.visible(c, id)));
        flushBehind(c);
        continue;
      }
      const key = c.socket.data.scope === 'all' ? '*' : `department:${c.socket.data.user.departmentId}`;
      let group = groups.get(key);
      if (!group) {
        const items = changed.filter((id) => s.visible(c, id)).map((id) => fleetView(id, s.store.get(id)));
        group = { items, ids: [] };
        groups.set(key, group);
      }
      group.ids.push(c.socket.id);
    }
    // Every socket is in the room named by its id; `local`: these sockets are this node's, so
    // nothing goes to Redis (the adapter would publish it for every other node to decode and drop).
    for (const g of groups.values()) if (g.items.length) ns.local.to(g.ids).emit('fleet.state', g.items);
  }

  /** A new socket takes the next turn and gets every vehicle it may see, as soon as it drains. */
  function welcome(c: Client): void {
    c.fleetTurn = assigned;
    assigned = (assigned + 1) % phases;
    turns[c.fleetTurn]!.add(c);
    for (const [id] of s.store.all()) if (s.visible(c, id)) c.behind!.add(id);
    flushBehind(c);
  }

  function leave(c: Client): void {
    turns[c.fleetTurn]?.delete(c);
  }

  function changed(vehicleId: string): void {
    for (const d of deltas) d.add(vehicleId);
  }

  return { changed, tick, welcome, leave };
}

/**
 * Full-rate state of focused vehicles: at most one per `focusIntervalMs` on average per socket
 * (`focus-rate.ts`), newest only. Sends go per vehicle: when its state changes, or when the
 * vehicle's one retry timer fires, every socket focusing it that has not had the newest state and
 * may take it now (drained, its rate allows) gets it in one local broadcast, which encodes the
 * state once however many consoles focus it (an emit per socket encoded it once per socket);
 * the others wait for the retry, set for the soonest of them.
 */
function focusStreams(s: Shared, ns: ConsoleNamespace, focusIntervalMs: number) {
  interface Watch {
    clients: Set<Client>;
    retry: NodeJS.Timeout | null;
  }
  /** vehicleId -> the clients focusing it and its retry. */
  const watches = new Map<string, Watch>();

  /** Sends `vehicleId`'s newest state to every focusing socket that lacks it and may take it now. */
  function send(vehicleId: string): void {
    const w = watches.get(vehicleId);
    if (!w) return;
    if (w.retry) {
      clearTimeout(w.retry);
      w.retry = null;
    }
    const now = Date.now();
    const ready: string[] = [];
    let retryIn = Number.POSITIVE_INFINITY;
    for (const c of w.clients) {
      const f = c.focus.get(vehicleId);
      if (!f?.dirty) continue;
      const wait = focusWait(f.slotMs, now, focusIntervalMs);
      const drainedNow = drained(c.socket);
      if (wait === 0 && drainedNow) {
        f.dirty = false;
        f.slotMs = focusSlotAfterSend(f.slotMs, now, focusIntervalMs);
        ready.push(c.socket.id);
      } else {
        retryIn = Math.min(retryIn, drainedNow ? wait : Math.max(wait, s.retryMs));
      }
    }
    if (retryIn !== Number.POSITIVE_INFINITY) w.retry = setTimeout(() => send(vehicleId), retryIn);
    // Every socket is in the room named by its id; `local`: these sockets are this node's.
    if (ready.length > 0) ns.local.to(ready).emit('vehicle.state', view(vehicleId, s.store.get(vehicleId)));
  }

  function focus(c: Client, vehicleId: string): ConsoleAck {
    if (!c.focus.has(vehicleId) && c.focus.size >= MAX_FOCUS) {
      return {
        ok: false,
        error: { code: 'TooManyFocused', message: `at most ${MAX_FOCUS} vehicles may be focused at once` },
      };
    }
    const f = c.focus.get(vehicleId) ?? { dirty: false, slotMs: null };
    f.dirty = s.store.get(vehicleId).updatedAtMs !== null;
    c.focus.set(vehicleId, f);
    let w = watches.get(vehicleId);
    if (!w) {
      w = { clients: new Set(), retry: null };
      watches.set(vehicleId, w);
    }
    w.clients.add(c);
    return { ok: true };
  }

  function unfocus(c: Client, vehicleId: string): void {
    c.focus.delete(vehicleId);
    const w = watches.get(vehicleId);
    w?.clients.delete(c);
    if (w?.clients.size === 0) {
      if (w.retry) clearTimeout(w.retry);
      watches.delete(vehicleId);
    }
  }

  function changed(vehicleId: string): void {
    const w = watches.get(vehicleId);
    if (!w) return;
    for (const c of w.clients) {
      const f = c.focus.get(vehicleId);
      if (f) f.dirty = true;
    }
    send(vehicleId);
  }

  return { focus, unfocus, send, changed };
}

/**
 * Alerts derived from states, links and stored events; storms are coalesced and the recent list
 * is capped per vehicle (console-alerts.ts); the recent ones go to a new socket.
 */
function alertFeed(s: Shared, now: () => number) {
  const deriver = createAlertDeriver();
  const coalescer = createAlertCoalescer();
  const recent = createRecentAlerts(RECENT_ALERTS, RECENT_ALERTS_PER_VEHICLE);

  /** A ticket's alert goes by the ticket's department (as `ticket.changed`), others by the vehicle's. */
  function mayHear(c: Client, a: ConsoleVehicleAlert): boolean {
    if (a.ticket) return maySee(viewerOf(c.socket.data), a.ticket.departmentId);
    return a.vehicleId !== null && s.visible(c, a.vehicleId);
  }

  function send(a: ConsoleVehicleAlert): void {
    recent.add(a);
    for (const c of s.clients.values()) if (mayHear(c, a)) c.socket.emit('vehicle.alert', [a]);
  }

  function publish(a: ConsoleVehicleAlert): void {
    for (const out of coalescer.offer(a, now())) send(out);
  }

  /** Sends the summaries of storms whose window has passed. */
  function tick(): void {
    for (const a of coalescer.tick(now())) send(a);
  }

  function welcome(c: Client): void {
    const mine = recent.list().filter((a) => mayHear(c, a));
    if (mine.length > 0) c.socket.emit('vehicle.alert', mine);
  }

  return { deriver, publish, tick, welcome };
}

/**
 * Puts the socket in the rooms of what its user may see now (and out of the others): rare events
 * (tickets, sortie and upload progress) are emitted to these rooms, from whichever node.
 */
function joinViewerRooms(socket: ConsoleSocket): void {
  const want = new Set(viewerRooms(viewerOf(socket.data)));
  for (const room of socket.rooms)
    if (room.startsWith('viewers:') && !want.has(room)) void socket.leave(room);
  void socket.join([...want]);
}

/** Attaches the `/console` namespace to `io`, fed by `ctx.liveState`. */
export function attachConsole(io: Server, ctx: AppContext, opts: ConsoleFanoutOptions = {}): ConsoleFanout {
  const fleetIntervalMs = opts.fleetIntervalMs ?? 500;
  const directoryRefreshMs = opts.directoryRefreshMs ?? 5000;
  const sessionCheckMs = opts.sessionCheckMs ?? 30_000;
  const { db } = ctx.database;
  const store = ctx.liveState;
  const ns = io.of(CONSOLE_NAMESPACE) as unknown as ConsoleNamespace;
  const departments = opts.departments ?? new DepartmentDirectory(db, { refreshMs: directoryRefreshMs });
  const shared: Shared = {
    store,
    clients: new Map<string, Client>(),
    visible: (c, vehicleId) => departments.seesVehicle(viewerOf(c.socket.data), vehicleId),
    retryMs: opts.retryMs ?? 20,
  };
  const { clients } = shared;
  const fleetPhases = Math.max(
    1,
    Math.min(Math.floor(opts.fleetPhases ?? 5), Math.floor(fleetIntervalMs / 10)),
  );
  const fleet = fleetStream(shared, ns, fleetPhases);
  const focus = focusStreams(shared, ns, opts.focusIntervalMs ?? 100);
  const alerts = alertFeed(shared, ctx.now);

  const onVehicleEvent = (vehicleId: string, atMs: number, event: VehicleEventPayload) => {
    const a = alerts.deriver.fromEvent(vehicleId, atMs, event);
    if (a) alerts.publish(a);
  };
  opts.vehicleEvents?.on('vehicle.event', onVehicleEvent);

  const lastOnline = new Map<string, boolean>();
  for (const [id, e] of store.all()) lastOnline.set(id, e.online);
  const unsubscribe = store.subscribe((vehicleId, entry) => {
    const known = lastOnline.has(vehicleId);
    const was = lastOnline.get(vehicleId) ?? false;
    lastOnline.set(vehicleId, entry.online);
    if (was !== entry.online) {
      const link = { vehicleId, atMs: ctx.now() };
      for (const c of clients.values()) {
        if (shared.visible(c, vehicleId))
          c.socket.emit(entry.online ? 'vehicle.online' : 'vehicle.offline', link);
      }
      // First sight is not news; a loss is, and so is the return after one.
      if (known) alerts.publish(alerts.deriver.fromLink(vehicleId, entry.online, link.atMs));
    }
    if (entry.online && entry.state) {
      for (const a of alerts.deriver.fromState(vehicleId, entry.state, ctx.now())) alerts.publish(a);
    }
    fleet.changed(vehicleId);
    focus.changed(vehicleId);
  });

  function dropClient(c: Client): void {
    clients.delete(c.socket.id);
    fleet.leave(c);
    if (c.fleetRetry) clearTimeout(c.fleetRetry);
    for (const id of [...c.focus.keys()]) focus.unfocus(c, id);
  }

  ns.use(
    consoleSignIn(db, ctx.now, async (data) => {
      if (data.scope === 'department' && !departments.loaded) await departments.refresh(true);
    }),
  );

  /** Connections so far (each socket's session-check turn) and the next turn to check. */
  let connections = 0;
  let sessionTurn = 0;

  ns.on('connection', (socket) => {
    const c: Client = {
      socket,
      behind: new Set(),
      focus: new Map(),
      fleetRetry: null,
      fleetTurn: 0,
      sessionTurn: connections++ % SESSION_TURNS,
    };
    clients.set(socket.id, c);
    joinViewerRooms(socket);
    fleet.welcome(c);
    alerts.welcome(c);

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
        const auth = await recheckSession(db, ctx.now, socket.data);
        if (!auth.ok) {
          reply(auth);
          socket.disconnect(true);
          return;
        }
        const [row] = await db
          .select({ id: vehicles.id, departmentId: vehicles.departmentId })
          .from(vehicles)
          .where(eq(vehicles.id, vehicleId));
        if (row) departments.noteVehicle(row.id, row.departmentId);
        if (!row || !shared.visible(c, row.id)) {
          return reply({
            ok: false,
            error: { code: 'NotFound', message: `no vehicle with id ${vehicleId}` },
          });
        }
        if (!clients.has(socket.id)) return;
        const answer = focus.focus(c, vehicleId);
        reply(answer);
        if (answer.ok) focus.send(vehicleId);
      })().catch(() => {
        reply({ ok: false, error: { code: 'Internal', message: 'the vehicle could not be looked up' } });
      });
    });

    socket.on('vehicle.unfocus', (request, ack) => {
      const vehicleId = (request as { vehicleId?: unknown } | null)?.vehicleId;
      if (typeof vehicleId === 'string') focus.unfocus(c, vehicleId);
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

  /**
   * Every socket's session is checked again once per `sessionCheckMs`: a tenth of the sockets at
   * a time (each at the turn it was given when it connected), one lookup per session however
   * many consoles share it; all of them at once held the node's event loop for one lookup per
   * console.
   */
  function checkSessions(): void {
    const turn = sessionTurn;
    sessionTurn = (sessionTurn + 1) % SESSION_TURNS;
    const lookups = new Map<string, Promise<SessionCheck>>();
    for (const c of clients.values()) {
      if (c.sessionTurn !== turn) continue;
      const token = c.socket.data.token;
      let lookup = lookups.get(token);
      if (!lookup) {
        lookup = lookupSession(db, ctx.now, token);
        lookups.set(token, lookup);
      }
      lookup.then(
        (check) => {
          if (!applySession(c.socket.data, check).ok) c.socket.disconnect(true);
          else joinViewerRooms(c.socket);
        },
        () => {},
      );
    }
  }

  const timers = [
    setInterval(fleet.tick, fleetIntervalMs / fleetPhases),
    setInterval(alerts.tick, 1000),
    setInterval(() => {
      if (![...clients.values()].some((c) => c.socket.data.scope === 'department')) return;
      departments.refresh(true).catch(() => {});
    }, directoryRefreshMs),
    setInterval(checkSessions, sessionCheckMs / SESSION_TURNS),
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
      alerts.publish(alerts.deriver.external(a));
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
