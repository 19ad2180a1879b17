import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBridgeHub } from '../test/fake-bridge-hub.ts';
import { type BridgeRelay, relayBridgeRequests } from './bridge-relay.ts';
import { memoryBusNetwork } from './bus.ts';

const relays: BridgeRelay[] = [];
afterEach(() => {
  for (const r of relays.splice(0)) r.close();
});

/** A node's bridge channel: the shared fake hub, answering with the bridge id after one progress report. */
function fakeChannel(bridges: string[]) {
  const hub = new FakeBridgeHub();
  hub.connected = bridges;
  const answer = async (payload: { requestId: string }, progress: (p: never) => void) => {
    progress({ requestId: payload.requestId, sent: 1, total: 2 } as never);
    return { ok: true, value: { requestId: payload.requestId } } as never;
  };
  hub.answers = { 'vehicle.command': answer, 'dock.command': answer, 'mission.upload': answer };
  const events = new EventEmitter();
  const asked = () => hub.calls.map((c) => `${c.kind}:${c.bridgeId}`);
  return { hub, events, asked };
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function cluster() {
  const net = memoryBusNetwork();
  const make = (nodeId: string, bridges: string[]) => {
    const local = fakeChannel(bridges);
    const relay = relayBridgeRequests({
      bus: net.join(nodeId),
      local: local.hub,
      bridgeEvents: local.events,
      presenceEveryMs: 20,
      hopMarginMs: 50,
    });
    relays.push(relay);
    return { local, relay };
  };
  return { a: make('a', []), b: make('b', ['bridge-1']) };
}

const command = { requestId: 'r1', sysid: 1, command: { action: 'hold' } } as never;

describe('bridge requests across nodes', () => {
  it('runs a request on the node holding the bridge and brings back its progress and reply', async () => {
    const { a, b } = cluster();
    await eventually(() => a.relay.connectedBridgeIds().includes('bridge-1'), "B's presence on A");
    expect(a.relay.localBridgeIds()).toEqual([]);
    const progress: unknown[] = [];
    const reply = await a.relay.request('bridge-1', 'mission.upload', command, {
      onProgress: (p) => progress.push(p),
    });
    expect(reply).toEqual({ ok: true, value: { requestId: 'r1' } });
    expect(progress).toEqual([{ requestId: 'r1', sent: 1, total: 2 }]);
    expect(b.local.asked()).toEqual(['mission.upload:bridge-1']);
    expect(a.local.asked()).toEqual([]);
  });

  it('answers from this node when the bridge is here, and BridgeOffline at once when no node has it', async () => {
    const { a, b } = cluster();
    expect(await b.relay.request('bridge-1', 'vehicle.command', command)).toMatchObject({ ok: true });
    expect(b.local.asked()).toEqual(['vehicle.command:bridge-1']);
    // "At once": with a 20 s timeout, waiting for it would answer Timeout (and take 20 s), not BridgeOffline.
    const started = Date.now();
    const none = await a.relay.request('bridge-9', 'vehicle.command', command, { timeoutMs: 20_000 });
    expect(none).toMatchObject({ ok: false, error: { code: 'BridgeOffline' } });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('times out when the node said to hold the bridge does not answer', async () => {
    const { a, b } = cluster();
    await eventually(() => a.relay.connectedBridgeIds().includes('bridge-1'), "B's presence on A");
    b.relay.close();
    const reply = await a.relay.request('bridge-1', 'vehicle.command', command, { timeoutMs: 30 });
    expect(reply).toMatchObject({ ok: false, error: { code: 'Timeout' } });
  });

  it('follows a bridge that connects to another node', async () => {
    const { a, b } = cluster();
    b.local.hub.connected = [];
    b.local.events.emit('bridge.disconnected', 'bridge-1');
    a.local.hub.connected = ['bridge-1'];
    a.local.events.emit('bridge.connected', 'bridge-1');
    await eventually(
      () => !b.relay.localBridgeIds().length && b.relay.connectedBridgeIds().includes('bridge-1'),
      'A on B',
    );
    expect(await b.relay.request('bridge-1', 'dock.command', command)).toMatchObject({ ok: true });
    expect(a.local.asked()).toEqual(['dock.command:bridge-1']);
  });
});
