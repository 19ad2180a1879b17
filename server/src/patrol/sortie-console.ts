/**
 * `sortie.progress` on the `/console` namespace (typed in `live/console-events.ts`): every
 * phase change of an orchestrated sortie goes to the signed-in consoles that may see it
 * (department officers: their department's sorties). Phase changes are rare (a dozen per
 * sortie), so each is a plain emit.
 */
import type { Server } from 'socket.io';
import { CONSOLE_NAMESPACE, type ConsoleSortieProgress } from '../live/console-events.ts';
import type { ConsoleNamespace } from '../live/console-fanout.ts';
import type { SortieProgress } from './orchestrator.ts';

/** A publisher for the orchestrator's progress. */
export function sortieProgressPublisher(io: Server): (p: SortieProgress) => void {
  const ns = io.of(CONSOLE_NAMESPACE) as unknown as ConsoleNamespace;
  return (p) => {
    const event: ConsoleSortieProgress = { ...p };
    for (const socket of ns.sockets.values()) {
      const d = socket.data;
      if (!d?.user) continue;
      if (d.scope !== 'all' && (p.departmentId === null || d.user.departmentId !== p.departmentId)) continue;
      socket.emit('sortie.progress', event);
    }
  };
}
