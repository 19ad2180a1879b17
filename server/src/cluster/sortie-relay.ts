/**
 * Aborting a sortie from any node (issue 17): the dispatcher's request, or an urgent launch
 * pre-empting a sortie still on the ground, may reach a node that does not drive the sortie. That
 * node asks the others over the cluster bus; the one driving it aborts it and says so. The abort
 * travels whole: its failure code, the English message and the params a console words it from
 * (zh-CN first), as a local abort stores them. No answer within `timeoutMs`: nobody drives it now
 * (its bridge is on no node), or the node driving it refused (a pre-empted sortie that has taken
 * off meanwhile), and the caller answers as a single node does for a sortie it is not
 * orchestrating.
 *
 * Rolling upgrade: a node older than the failure code on the bus sends `{ sortieId, message }`
 * only. Such a node relays nothing but the operator's abort (its only caller is the abort route,
 * which words the message `aborted by <who>[: <reason>]`), so the code is `OperatorAbort`, and
 * without params the console shows the worded code and that message, as for any failure
 * recorded before params existed ("人工中止 – aborted by wang: 改期").
 */
import { randomUUID } from 'node:crypto';
import type { FailureParams } from '@aerie/missions';
import type { ClusterBus, ClusterMessages } from './bus.ts';

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

/** A `sortie.abort` as it may arrive: from an older node, without code and params. */
export type SortieAbortMessage = Omit<ClusterMessages['sortie.abort'], 'code'> & { code?: SortieAbortCode };

/** What to abort with, from a relayed message (see the header for one without a code). */
export function abortOfMessage(m: SortieAbortMessage): {
  code: SortieAbortCode;
  message: string;
  params?: FailureParams;
} {
  if (m.code === undefined) return { code: 'OperatorAbort', message: m.message };
  return { code: m.code, message: m.message, ...(m.params ? { params: m.params } : {}) };
}

export function relaySortieAborts(bus: ClusterBus, local: SortieAborter, timeoutMs = 3000) {
  const waiting = new Map<string, () => void>();
  const stops = [
    bus.subscribe('sortie.abort', (m: SortieAbortMessage) => {
      const a = abortOfMessage(m);
      if (local.abort(m.sortieId, a.code, a.message, a.params))
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
