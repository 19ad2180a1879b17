/**
 * The one fake of the BridgeHub for tests: it records every request and answers from a script
 * per request kind, as a connected bridge would (a bridge not in `connected` is offline). A
 * script may report progress before it answers, as a bridge does during a mission upload.
 */
import type { BridgeRequestKind, BridgeRequests } from '@aerie/contracts';
import type { BridgeHub, BridgeRequestOptions } from '../channel/contracts.ts';

type Script<K extends BridgeRequestKind> = (
  payload: BridgeRequests[K]['request'],
  progress: (p: BridgeRequests[K]['progress']) => void,
) => BridgeRequests[K]['reply'] | Promise<BridgeRequests[K]['reply']>;

export interface FakeHubCall {
  bridgeId: string;
  kind: BridgeRequestKind;
  payload: BridgeRequests[BridgeRequestKind]['request'];
  timeoutMs?: number;
}

export class FakeBridgeHub implements BridgeHub {
  /** Bridge ids that count as connected. */
  connected: string[] = [];
  /** Every request, in order. */
  readonly calls: FakeHubCall[] = [];
  /** The answer per kind; a kind without one is answered `Unsupported`. */
  answers: { [K in BridgeRequestKind]?: Script<K> } = {};

  async request<K extends BridgeRequestKind>(
    bridgeId: string,
    kind: K,
    payload: BridgeRequests[K]['request'],
    options: BridgeRequestOptions<K> = {},
  ): Promise<BridgeRequests[K]['reply']> {
    this.calls.push({
      bridgeId,
      kind,
      payload,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    type Reply = BridgeRequests[K]['reply'];
    if (!this.connected.includes(bridgeId))
      return {
        ok: false,
        error: { code: 'BridgeOffline', message: `bridge ${bridgeId} is not connected` },
      } as Reply;
    const script = this.answers[kind] as Script<K> | undefined;
    if (!script)
      return {
        ok: false,
        error: { code: 'Unsupported', message: `no scripted answer for ${kind}` },
      } as Reply;
    return script(payload, (p) => options.onProgress?.(p));
  }

  connectedBridgeIds(): string[] {
    return this.connected;
  }
}
