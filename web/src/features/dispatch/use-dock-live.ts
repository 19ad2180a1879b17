/** One dock's live status: asked of the server once, then kept current from `dock.status`. */
import type { ConsoleDockStatus } from '@aerie/server';
import { useEffect, useState } from 'react';
import { api } from '../../lib/api.ts';
import { onConsole } from '../../live/console-socket.ts';
import type { DockLive } from './dispatch-api.ts';

export function useDockLive(dockId: string | null): DockLive | undefined {
  const [live, setLive] = useState<DockLive | undefined>(undefined);
  useEffect(() => {
    setLive(undefined);
    if (!dockId) return;
    let gone = false;
    api
      .get<DockLive>(`/api/docks/${dockId}/status`)
      .then((s) => !gone && setLive((cur) => cur ?? s))
      // The live events below fill it in; the panel shows "not reported" meanwhile.
      .catch(() => undefined);
    const handlers: (() => void)[] = [];
    const off = onConsole((s) => {
      const onDock = (items: ConsoleDockStatus[]) => {
        const mine = items.find((d) => d.dockId === dockId);
        if (mine && !gone) setLive(mine as DockLive);
      };
      s.on('dock.status', onDock);
      handlers.push(() => s.off('dock.status', onDock));
    });
    return () => {
      gone = true;
      off();
      for (const h of handlers) h();
    };
  }, [dockId]);
  return live;
}
