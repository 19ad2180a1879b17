/**
 * Aborting a sortie from any node (issue 17): the dispatcher's request may reach a node that
 * does not drive the sortie. That node asks the others over the cluster bus; the one driving it
 * aborts it and says so. No answer within `timeoutMs`: nobody drives it now (its bridge is on no
 * node), and the caller answers as a single node does for a sortie it is not orchestrating.
 */
import { randomUUID } from 'node:crypto';
import type { ClusterBus } from './bus.ts';

export interface SortieAborter {
  /** Aborts here when driven here; answers whether it was. */
  abort(sortieId: string, code: 'OperatorAbort', message: string): boolean;
}

export function relaySortieAborts(bus: ClusterBus, local: SortieAborter, timeoutMs = 3000) {
  const waiting = new Map<string, () => void>();
  const stops = [
    bus.subscribe('sortie.abort', (m) => {
      if (local.abort(m.sortieId, 'OperatorAbort', m.message))
        bus.publish('sortie.abort.accepted', { nodeId: bus.nodeId, to: m.nodeId, requestId: m.requestId });
    }),
    bus.subscribe('sortie.abort.accepted', (m) => {
      if (m.to === bus.nodeId) waiting.get(m.requestId)?.();
    }),
  ];
  return {
    /** Asks the node driving `sortieId` to abort it; true once it accepted. */
    abortElsewhere(sortieId: string, message: string): Promise<boolean> {
      const requestId = randomUUID();
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(requestId);
          resolve(false);
        }, timeoutMs);
        waiting.set(requestId, () => {
          clearTimeout(timer);
          waiting.delete(requestId);
          resolve(true);
        });
        bus.publish('sortie.abort', { nodeId: bus.nodeId, requestId, sortieId, message });
      });
    },
    close() {
      for (const s of stops) s();
    },
  };
}
