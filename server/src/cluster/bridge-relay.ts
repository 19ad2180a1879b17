/**
 * Bridge requests across server nodes (issue 17). A bridge is connected to one node, but a
 * pilot's command, a dock command or a mission upload may arrive at any node behind the load
 * balancer. This hub answers from this node's bridge channel when the bridge is connected here,
 * and otherwise hands the request over the cluster bus to the node that has the bridge
 * (`bridge.presence`, which every node sends every few seconds and on each change); that node
 * runs it on its channel and sends back the progress reports and the coded reply. No node with
 * the bridge: 'BridgeOffline' at once. No reply in the request's timeout (plus a margin for
 * the hop): 'Timeout', as the channel itself says for a silent bridge.
 */
import { randomUUID } from 'node:crypto';
import type { BridgeRequestKind, BridgeRequests } from '@aerie/contracts';
import type { BridgeHub, BridgeRequestOptions } from '../channel/contracts.ts';
import type { ClusterBus } from './bus.ts';

export interface BridgeRelayOptions {
  bus: ClusterBus;
  /** This node's bridge channel. */
  local: BridgeHub;
  /** Tells the relay when a bridge connects or disconnects here (the bridge channel's events). */
  bridgeEvents: {
    on(event: 'bridge.connected' | 'bridge.disconnected', fn: (bridgeId: string) => void): unknown;
    off(event: 'bridge.connected' | 'bridge.disconnected', fn: (bridgeId: string) => void): unknown;
  };
  now?: () => number;
  /** How often this node says which bridges it holds (default 2000 ms). */
  presenceEveryMs?: number;
  /** A node's word on its bridges counts this long (default 3 x presenceEveryMs). */
  presenceTtlMs?: number;
  /** A request's wait when the caller names none (default 20 s, the channel's). */
  defaultTimeoutMs?: number;
  /** Added to a relayed request's wait for the hops over Redis (default 2000 ms). */
  hopMarginMs?: number;
}

export interface BridgeRelay extends BridgeHub {
  /** Bridges connected to this node only (the orchestrator drives only their sorties). */
  localBridgeIds(): string[];
  close(): void;
}

const failure = (code: string, message: string, detail: Record<string, unknown>) => ({
  ok: false as const,
  error: { code, message, detail },
});

export function relayBridgeRequests(o: BridgeRelayOptions): BridgeRelay {
  const { bus, local } = o;
  const now = o.now ?? Date.now;
  const presenceEveryMs = o.presenceEveryMs ?? 2000;
  const presenceTtlMs = o.presenceTtlMs ?? 3 * presenceEveryMs;
  /** nodeId -> its bridges and when it said so. */
  const presence = new Map<string, { bridgeIds: Set<string>; atMs: number }>();
  const waiting = new Map<string, { progress?: (p: unknown) => void; done: (reply: unknown) => void }>();

  const announce = () =>
    bus.publish('bridge.presence', { nodeId: bus.nodeId, bridgeIds: local.connectedBridgeIds() });
  const nodeWith = (bridgeId: string): string | null => {
    const t = now();
    for (const [nodeId, p] of presence)
      if (t - p.atMs < presenceTtlMs && p.bridgeIds.has(bridgeId)) return nodeId;
    return null;
  };

  const stops = [
    bus.subscribe('bridge.presence', (m) => {
      presence.set(m.nodeId, { bridgeIds: new Set(m.bridgeIds), atMs: now() });
    }),
    bus.subscribe('bridge.request', (m) => {
      if (m.via !== bus.nodeId) return;
      const reply = (r: unknown) =>
        bus.publish('bridge.reply', { nodeId: bus.nodeId, to: m.nodeId, requestId: m.requestId, reply: r });
      const options: BridgeRequestOptions<BridgeRequestKind> = {
        ...(m.timeoutMs !== undefined ? { timeoutMs: m.timeoutMs } : {}),
        onProgress: (progress) =>
          bus.publish('bridge.progress', {
            nodeId: bus.nodeId,
            to: m.nodeId,
            requestId: m.requestId,
            progress,
          }),
      };
      // The channel never rejects; a bug here still answers, rather than leaving the caller waiting.
      local
        .request(m.bridgeId, m.kind, m.payload as BridgeRequests[BridgeRequestKind]['request'], options)
        .then(reply, (err: unknown) => reply(failure('Internal', String(err), { bridgeId: m.bridgeId })));
    }),
    bus.subscribe('bridge.progress', (m) => {
      if (m.to === bus.nodeId) waiting.get(m.requestId)?.progress?.(m.progress);
    }),
    bus.subscribe('bridge.reply', (m) => {
      if (m.to === bus.nodeId) waiting.get(m.requestId)?.done(m.reply);
    }),
  ];
  const onChange = () => announce();
  o.bridgeEvents.on('bridge.connected', onChange);
  o.bridgeEvents.on('bridge.disconnected', onChange);
  const timer = setInterval(announce, presenceEveryMs);
  timer.unref();
  announce();

  return {
    localBridgeIds: () => local.connectedBridgeIds(),
    connectedBridgeIds() {
      const all = new Set(local.connectedBridgeIds());
      const t = now();
      for (const p of presence.values())
        if (t - p.atMs < presenceTtlMs) for (const id of p.bridgeIds) all.add(id);
      return [...all];
    },
    async request(bridgeId, kind, payload, options = {}) {
      type Reply = BridgeRequests[typeof kind]['reply'];
      if (local.connectedBridgeIds().includes(bridgeId))
        return local.request(bridgeId, kind, payload, options);
      const via = nodeWith(bridgeId);
      if (!via)
        return failure('BridgeOffline', `bridge ${bridgeId} is not connected to any server node`, {
          bridgeId,
        }) as Reply;
      const requestId = randomUUID();
      const waitMs = (options.timeoutMs ?? o.defaultTimeoutMs ?? 20_000) + (o.hopMarginMs ?? 2000);
      return new Promise<Reply>((resolve) => {
        const timeout = setTimeout(() => {
          waiting.delete(requestId);
          resolve(
            failure('Timeout', `no answer through server node ${via} within ${waitMs} ms`, {
              bridgeId,
              via,
            }) as Reply,
          );
        }, waitMs);
        waiting.set(requestId, {
          ...(options.onProgress ? { progress: options.onProgress as (p: unknown) => void } : {}),
          done: (reply) => {
            clearTimeout(timeout);
            waiting.delete(requestId);
            resolve(reply as Reply);
          },
        });
        bus.publish('bridge.request', {
          nodeId: bus.nodeId,
          via,
          requestId,
          bridgeId,
          kind,
          payload,
          timeoutMs: options.timeoutMs,
        });
      });
    },
    close() {
      clearInterval(timer);
      for (const s of stops) s();
      o.bridgeEvents.off('bridge.connected', onChange);
      o.bridgeEvents.off('bridge.disconnected', onChange);
    },
  };
}
