import { EventEmitter } from 'node:events';
import { sampleVehicleState as st, type VehicleEventPayload } from '@aerie/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveDockStore } from '../live/dock-store.ts';
import { LiveStateStore } from '../live/live-state-store.ts';
import { memoryBusNetwork } from './bus.ts';
import { type LiveReplica, localView, replicateLive } from './live-replica.ts';

const running: LiveReplica[] = [];
afterEach(() => {
  for (const r of running.splice(0)) r.close();
});

async function eventually<T>(check: () => T | null | undefined | false, what: string): Promise<T> {
  const end = Date.now() + 2000;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

type Events = EventEmitter<{ 'vehicle.event': [string, number, VehicleEventPayload] }>;

function node(net: ReturnType<typeof memoryBusNetwork>, nodeId: string, clock: { t: number }) {
  const bus = net.join(nodeId);
  const liveState = new LiveStateStore(() => clock.t);
  const docks = new LiveDockStore(() => clock.t);
  const channel: Events = new EventEmitter();
  const replica = replicateLive({
    bus,
    liveState,
    docks,
    vehicleEvents: channel,
    now: () => clock.t,
    aliveEveryMs: 10,
    deadAfterMs: 50,
  });
  running.push(replica);
  return { bus, liveState, docks, channel, replica };
}

const dockStatus = { state: 'idle', lid: 'closed' } as unknown as Parameters<LiveDockStore['update']>[1];

describe('live state replicated between nodes', () => {
  it("puts a vehicle's state reported on node B into node A's store, and A's own stays A's", async () => {
    const net = memoryBusNetwork();
    const clock = { t: 1000 };
    const a = node(net, 'a', clock);
    const b = node(net, 'b', clock);
    const seenOnA: string[] = [];
    a.liveState.subscribe((id, e) => seenOnA.push(`${id}:${e.online}:${e.state?.batteryPct}`));
    b.liveState.update('v1', st({ batteryPct: 80 }));
    b.liveState.update('v1', st({ batteryPct: 79 }));
    b.docks.update('d1', dockStatus);
    await eventually(() => a.liveState.get('v1').state?.batteryPct === 79, 'v1 on node A');
    // Coalesced: one batch per turn, the newest entry only.
    expect(seenOnA).toEqual(['v1:true:79']);
    expect(a.replica.isRemote('v1')).toBe(true);
    expect(b.replica.isRemote('v1')).toBe(false);
    await eventually(() => a.docks.getDock('d1').online, 'd1 on node A');
    // Applied entries are not sent back: B's store sees v1 only from its own bridge.
    a.liveState.update('v2', st({ batteryPct: 50 }));
    await eventually(() => b.liveState.get('v2').online, 'v2 on node B');
    expect(a.replica.isRemote('v2')).toBe(false);
    // Work tied to the bridge (detection) sees only this node's own vehicles online.
    const local = localView(a.liveState, a.replica.isRemote);
    expect([...local.all()].map(([id, e]) => `${id}:${e.online}`).sort()).toEqual(['v1:false', 'v2:true']);
    const heard: string[] = [];
    local.subscribe((id, e) => heard.push(`${id}:${e.online}`));
    b.liveState.update('v3', st({}));
    await eventually(() => heard.includes('v3:false'), 'v3 seen offline through the local view');
  });

  it('sends no batches while it has heard of no other node, and all it holds to the first it hears', async () => {
    const net = memoryBusNetwork();
    const clock = { t: 1000 };
    const a = node(net, 'a', clock);
    const kinds: string[] = [];
    const publish = a.bus.publish.bind(a.bus);
    a.bus.publish = (kind, message) => {
      kinds.push(kind);
      publish(kind, message);
    };
    a.liveState.update('v1', st({ batteryPct: 80 }));
    a.docks.update('d1', dockStatus);
    await new Promise((r) => setTimeout(r, 30));
    expect(kinds).not.toContain('live.batch');
    expect(kinds).toContain('node.alive');
    const b = node(net, 'b', clock);
    await eventually(
      () => b.liveState.get('v1').state?.batteryPct === 80 && b.docks.getDock('d1').online,
      "A's vehicle and dock on B",
    );
    expect(kinds).toContain('live.batch');
  });

  it('keeps the newer entry when the node that lost a bridge marks its vehicles offline late', async () => {
    const net = memoryBusNetwork();
    const clock = { t: 1000 };
    const a = node(net, 'a', clock);
    const b = node(net, 'b', clock);
    a.liveState.update('v1', st({ batteryPct: 70 }));
    await eventually(() => b.liveState.get('v1').online, 'v1 on B');
    // The bridge moves to B, which hears v1 first; then A notices its bridge is gone.
    clock.t = 2000;
    b.liveState.update('v1', st({ batteryPct: 69 }));
    a.liveState.setOffline('v1');
    await eventually(() => a.liveState.get('v1').state?.batteryPct === 69, "B's newer v1 on A");
    await new Promise((r) => setTimeout(r, 20));
    expect(b.liveState.get('v1')).toMatchObject({ online: true, updatedAtMs: 2000 });
    expect(a.liveState.get('v1').online).toBe(true);
  });

  it("marks a silent node's vehicles and docks offline, and sends a new node what it holds", async () => {
    const net = memoryBusNetwork();
    const clock = { t: 1000 };
    const a = node(net, 'a', clock);
    const b = node(net, 'b', clock);
    b.liveState.update('v1', st({}));
    b.docks.update('d1', dockStatus);
    await eventually(() => a.liveState.get('v1').online && a.docks.getDock('d1').online, 'B on A');
    // A third node starting later learns both from B's answer to its hello.
    const c = node(net, 'c', clock);
    await eventually(() => c.liveState.get('v1').online, 'v1 on C');
    // B dies without a word (kill -9).
    b.replica.close();
    b.bus.leave();
    clock.t += 100;
    // Time goes on: a batch or alive message B sent before it died may still be delivered after
    // A buried it, and brings B back until B has been silent for deadAfterMs again.
    await eventually(() => {
      clock.t += 2;
      return !a.liveState.get('v1').online && !a.docks.getDock('d1').online;
    }, 'v1 offline on A');
    expect(a.liveState.get('v1').state).not.toBeNull();
    // C's alive message may land after A's sweep saw the jumped clock; its next one brings it back.
    await eventually(() => [...a.replica.peers().keys()].join() === 'c', 'only C left as a peer of A');
  });

  it('relays vehicle events and external alerts to every node', async () => {
    const net = memoryBusNetwork();
    const clock = { t: 1000 };
    const a = node(net, 'a', clock);
    const b = node(net, 'b', clock);
    const onA: string[] = [];
    const onB: string[] = [];
    a.replica.vehicleEvents.on('vehicle.event', (id) => onA.push(id));
    b.replica.vehicleEvents.on('vehicle.event', (id) => onB.push(id));
    const event = { type: 'status_text', severity: 2, text: 'Battery low' } as unknown as VehicleEventPayload;
    b.channel.emit('vehicle.event', 'v9', 1234, event);
    await eventually(() => onA.length === 1, 'the event on A');
    expect(onB).toEqual(['v9']);
    const alerts: string[] = [];
    a.replica.onRelayedAlert((al) => alerts.push(al.kind));
    b.replica.relayAlert({ vehicleId: 'v9', atMs: 1, kind: 'sortie_lost', level: 'critical', text: 'lost' });
    await eventually(() => alerts.length === 1, 'the alert on A');
    expect(alerts).toEqual(['sortie_lost']);
  });
});
