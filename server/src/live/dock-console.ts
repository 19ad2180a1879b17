/**
 * `dock.status` on the `/console` namespace (event typed in @aerie/contracts `console.ts`). The
 * namespace's middleware (`console-fanout.ts`) has already signed the socket in and put its
 * user and scope on `socket.data`; this adds the docks: the full visible list on connect,
 * then the docks that changed, batched every `intervalMs`. Docks report about once a second,
 * so a plain emit per batch is enough (no per-socket back-pressure as for telemetry).
 * Department-scoped users see only docks of their department.
 */

import { CONSOLE_NAMESPACE, type ConsoleDockStatus } from '@aerie/contracts';
import type { Server } from 'socket.io';
import { viewerOf } from './console-auth.ts';
import type { ConsoleNamespace } from './console-fanout.ts';
import type { LiveDock, LiveDockStore } from './dock-store.ts';
import type { DepartmentDirectory } from './visibility.ts';

export interface DockConsoleOptions {
  /** Batch period of changed docks (default 500 ms). */
  intervalMs?: number;
}

type ConsoleSocket = ReturnType<ConsoleNamespace['sockets']['get']> & object;

const view = (d: LiveDock): ConsoleDockStatus => ({
  dockId: d.dockId,
  online: d.online,
  status: d.status,
  updatedAtMs: d.updatedAtMs,
});

/**
 * Adds `dock.status` to the console namespace; returns the function that stops it. Who sees
 * which dock is the shared department rule and cache (`visibility.ts`).
 */
export function attachDockConsole(
  io: Server,
  store: LiveDockStore,
  departments: DepartmentDirectory,
  opts: DockConsoleOptions = {},
): () => void {
  const ns = io.of(CONSOLE_NAMESPACE) as unknown as ConsoleNamespace;
  const intervalMs = opts.intervalMs ?? 500;
  const changed = new Set<string>();

  const visible = (socket: ConsoleSocket, dockId: string): boolean =>
    socket.data?.user ? departments.seesDock(viewerOf(socket.data), dockId) : false;

  const onConnection = (socket: ConsoleSocket) => {
    void (async () => {
      if (socket.data.scope === 'department') await departments.refresh(true);
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
      if (sockets.some((s) => s.data?.scope === 'department')) await departments.refresh();
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
