/**
 * Aborting a sortie from any node (issue 17): the dispatcher's request, or an urgent launch
 * pre-empting a sortie still on the ground, may reach a node that does not drive the sortie. That
 * node asks the others over the cluster bus; the one driving it aborts it and says so. The abort
 * travels whole: its failure code, the English message and the params a console words it from
 * (zh-CN first), as a local abort stores them. No answer within `timeoutMs`: nobody drives it now
 * (its bridge is on no node), or the node driving it refused (a pre-empted sortie that has taken
 * off meanwhile), and the caller answers as a single node does for a sortie it is not
 * orchestrating.
 */
import { randomUUID } from 'node:crypto';
import type { FailureParams } from '@aerie/missions';
import type { ClusterBus } from './bus.ts';

/** Why a sortie is aborted from outside its machine: an operator, or a higher-ranked sortie. */
export type SortieAbortCode = 'OperatorAbort' | 'Preempted';

export interface SortieAborter {
  /** Aborts here when driven here (and, pre-empted, still pre-emptable); answers whether it was. */
  abort(sortieId: string, code: SortieAbortCode, message: string, params?: FailureParams): boolean;
}

/** Asks the node driving `sortieId` to abort it; true once one accepted. */
export type AbortElsewhere = (
  sortieId: string,
  code: SortieAbortCode,
  message: string,
  params?: FailureParams,
) => Promise<boolean>;

export function relaySortieAborts(bus: ClusterBus, local: SortieAborter, timeoutMs = 3000) {
  const waiting = new Map<string, () => void>();
  const stops = [
    bus.subscribe('sortie.abort', (m) => {
      if (local.abort(m.sortieId, m.code, m.message, m.params))
        bus.publish('sortie.abort.accepted', { nodeId: bus.nodeId, to: m.nodeId, requestId: m.requestId });
    }),
    bus.subscribe('sortie.abort.accepted', (m) => {
      if (m.to === bus.nodeId) waiting.get(m.requestId)?.();
    }),
  ];
  const abortElsewhere: AbortElsewhere = (sortieId, code, message, params) => {
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
      bus.publish('sortie.abort', {
        nodeId: bus.nodeId,
        requestId,
        sortieId,
        code,
        message,
        ...(params ? { params } : {}),
      });
    });
  };
  return {
    abortElsewhere,
    close() {
      for (const s of stops) s();
    },
  };
}
