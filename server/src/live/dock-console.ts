/**
 * `dock.status` on the `/console` namespace (event typed in `console-events.ts`). The
 * namespace's middleware (`console-fanout.ts`) has already signed the socket in and put its
 * user and scope on `socket.data`; this adds the docks: the full visible list on connect,
 * then the docks that changed, batched every `intervalMs`. Docks report about once a second,
 * so a plain emit per batch is enough (no per-socket back-pressure as for telemetry).
 * Department-scoped users see only docks of their department.
 */
import type { Server } from 'socket.io';
import type { Db } from '../db/client.ts';
import { docks } from '../db/schema.ts';
import { CONSOLE_NAMESPACE, type ConsoleDockStatus } from './console-events.ts';
import type { ConsoleNamespace } from './console-fanout.ts';
import type { LiveDock, LiveDockStore } from './dock-store.ts';

export interface DockConsoleOptions {
  /** Batch period of changed docks (default 500 ms). */
  intervalMs?: number;
  /** How often the dock -> department map is reloaded for scoped users (default 5 s). */
  directoryRefreshMs?: number;
}

type ConsoleSocket = ReturnType<ConsoleNamespace['sockets']['get']> & object;

const view = (d: LiveDock): ConsoleDockStatus => ({
  dockId: d.dockId,
  online: d.online,
  status: d.status,
  updatedAtMs: d.updatedAtMs,
});

/** Adds `dock.status` to the console namespace; returns the function that stops it. */
export function attachDockConsole(
  io: Server,
  db: Db,
  store: LiveDockStore,
  opts: DockConsoleOptions = {},
): () => void {
  const ns = io.of(CONSOLE_NAMESPACE) as unknown as ConsoleNamespace;
  const intervalMs = opts.intervalMs ?? 500;
  const refreshMs = opts.directoryRefreshMs ?? 5000;
  let departments = new Map<string, string | null>();
  let loadedAt = Number.NEGATIVE_INFINITY;
  const changed = new Set<string>();

  async function loadDepartments(force = false): Promise<void> {
    if (!force && Date.now() - loadedAt < refreshMs) return;
    const rows = await db.select({ id: docks.id, departmentId: docks.departmentId }).from(docks);
    departments = new Map(rows.map((r) => [r.id, r.departmentId]));
    loadedAt = Date.now();
  }

  const visible = (socket: ConsoleSocket, dockId: string): boolean => {
    const d = socket.data;
    if (!d?.user) return false;
    if (d.scope === 'all') return true;
    return d.user.departmentId !== null && departments.get(dockId) === d.user.departmentId;
  };

  const onConnection = (socket: ConsoleSocket) => {
    void (async () => {
      if (socket.data.scope === 'department') await loadDepartments(true);
      const items = store
        .all()
        .filter((d) => visible(socket, d.dockId))
        .map(view);
      if (socket.connected) socket.emit('dock.status', items);
    })().catch(() => {});
  };
  ns.on('connection', onConnection);

  const unsubscribe = store.onDockChange((d) => changed.add(d.dockId));
  const timer = setInterval(() => {
    if (changed.size === 0) return;
    const ids = [...changed];
    changed.clear();
    void (async () => {
      const sockets = [...ns.sockets.values()];
      if (sockets.some((s) => s.data?.scope === 'department')) await loadDepartments();
      const all = ids.map((id) => view(store.getDock(id)));
      for (const s of sockets) {
        const items = s.data?.scope === 'all' ? all : all.filter((d) => visible(s, d.dockId));
        if (items.length) s.emit('dock.status', items);
      }
    })().catch(() => {});
  }, intervalMs);
  timer.unref();

  return () => {
    clearInterval(timer);
    unsubscribe();
    ns.off('connection', onConnection);
  };
}
