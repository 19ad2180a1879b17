import { common, MavLinkProtocolV1, MavLinkProtocolV2, minimal } from 'node-mavlink';
import { afterEach, describe, expect, it } from 'vitest';
import { createLink } from '../link/create-link.ts';
import { sleep, waitFor } from '../testing/wait.ts';
import { MavlinkConnection, type PacketInfo } from './connection.ts';
import { attachRouter, heartbeatType, RoutingTable } from './router.ts';

describe('RoutingTable', () => {
  const all = ['vehicle', 'qgc', 'tool'];
  const table = () => {
    const t = new RoutingTable({ sysid: 255, compid: 190 });
    t.learn('vehicle', 1, 1);
    t.learn('vehicle', 1, 100);
    t.learn('qgc', 200, 190);
    t.learn('tool', 201, 1);
    return t;
  };

  it.each([
    ['no target field: everyone else', 'vehicle', { sysid: 1, compid: 1 }, ['qgc', 'tool']],
    [
      'broadcast target 0: everyone else',
      'qgc',
      { sysid: 200, compid: 190, targetSystem: 0, targetComponent: 0 },
      ['vehicle', 'tool'],
    ],
    [
      'to a known system',
      'qgc',
      { sysid: 200, compid: 190, targetSystem: 1, targetComponent: 1 },
      ['vehicle'],
    ],
    [
      'to a known system, any component',
      'qgc',
      { sysid: 200, compid: 190, targetSystem: 1, targetComponent: 0 },
      ['vehicle'],
    ],
    [
      'to a known component',
      'tool',
      { sysid: 201, compid: 1, targetSystem: 1, targetComponent: 100 },
      ['vehicle'],
    ],
    [
      'to an unknown component of a known system',
      'qgc',
      { sysid: 200, compid: 190, targetSystem: 1, targetComponent: 77 },
      [],
    ],
    ['to an unknown system', 'qgc', { sysid: 200, compid: 190, targetSystem: 42, targetComponent: 0 }, []],
    ['to the bridge itself', 'vehicle', { sysid: 1, compid: 1, targetSystem: 255, targetComponent: 190 }, []],
    ['never back to the source', 'vehicle', { sysid: 1, compid: 1, targetSystem: 1, targetComponent: 0 }, []],
    [
      'reply to the other GCS',
      'vehicle',
      { sysid: 1, compid: 1, targetSystem: 200, targetComponent: 0 },
      ['qgc'],
    ],
  ] as const)('%s', (_name, from, packet, expected) => {
    expect(table().route(from, packet, all)).toEqual(expected);
  });

  it('a system heard on two links gets targeted packets on both; forget() removes a link', () => {
    const t = table();
    t.learn('tool', 1, 1);
    expect(t.route('qgc', { sysid: 200, compid: 190, targetSystem: 1, targetComponent: 1 }, all)).toEqual([
      'vehicle',
      'tool',
    ]);
    t.forget('tool');
    expect(t.route('qgc', { sysid: 200, compid: 190, targetSystem: 1, targetComponent: 1 }, all)).toEqual([
      'vehicle',
    ]);
  });
});

describe('RoutingTable in a fleet (one link per aircraft)', () => {
  const links = ['air1', 'air2', 'air3', 'qgc', 'quiet'];
  const fleet = () => {
    const t = new RoutingTable({ sysid: 245, compid: 190 });
    for (const [i, id] of ['air1', 'air2', 'air3'].entries()) {
      t.learn(id, i + 1, 1);
      t.learnType(id, 2); // MAV_TYPE_QUADROTOR
    }
    t.learn('air1', 101, 25);
    t.learnType('air1', 18); // the aircraft's dock on its link (MAV_TYPE_ONBOARD_CONTROLLER)
    t.learn('qgc', 255, 190);
    t.learnType('qgc', 6); // MAV_TYPE_GCS
    return t;
  };

  it("does not echo one aircraft's broadcasts to the other aircraft", () => {
    expect(fleet().route('air2', { sysid: 2, compid: 1 }, links)).toEqual(['qgc', 'quiet']);
    expect(
      fleet().route('air1', { sysid: 101, compid: 25, targetSystem: 0, targetComponent: 0 }, links),
    ).toEqual(['qgc', 'quiet']);
  });

  it("a ground station's broadcasts still reach every aircraft", () => {
    expect(fleet().route('qgc', { sysid: 255, compid: 190 }, links)).toEqual([
      'air1',
      'air2',
      'air3',
      'quiet',
    ]);
  });

  it('a ground station heard on an aircraft link (behind the same radio) makes it a listener', () => {
    const t = fleet();
    t.learn('air3', 200, 190);
    t.learnType('air3', 6);
    expect(t.route('air2', { sysid: 2, compid: 1 }, links)).toEqual(['air3', 'qgc', 'quiet']);
  });

  it('targeted packets between aircraft links are still routed', () => {
    expect(
      fleet().route('air1', { sysid: 1, compid: 1, targetSystem: 2, targetComponent: 1 }, links),
    ).toEqual(['air2']);
  });

  it('reads the type from MAVLink 1 and 2 heartbeats, trimmed or not', () => {
    const hb = Object.assign(new minimal.Heartbeat(), { type: 6, autopilot: 8, mavlinkVersion: 3 });
    const v2 = new MavLinkProtocolV2(255, 190).serialize(hb, 0);
    const v1 = new MavLinkProtocolV1(255, 190).serialize(hb, 0);
    expect(heartbeatType(v2)).toBe(6);
    expect(heartbeatType(v1)).toBe(6);
    const generic = new MavLinkProtocolV2(1, 1).serialize(new minimal.Heartbeat(), 0);
    expect(generic[1]).toBeLessThanOrEqual(4); // MAVLink 2 trims the zero tail away
    expect(heartbeatType(generic)).toBe(0);
    expect(heartbeatType(Buffer.from([0x00, 1, 2]))).toBeNull();
  });
});

describe('attachRouter over UDP', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function open(conn: MavlinkConnection): Promise<MavlinkConnection> {
    await conn.open();
    cleanups.push(() => conn.close());
    return conn;
  }

  /** MAV_TYPE: 2 quadrotor, 6 ground station. */
  function heartbeat(type = 2): minimal.Heartbeat {
    const hb = new minimal.Heartbeat();
    hb.type = type;
    hb.mavlinkVersion = 3;
    return hb;
  }

  /**
   * A router over one udpin per peer, as a site would run it, and the peers themselves: one
   * udpout each with the given (sysid, compid). Every packet a peer receives is kept.
   */
  async function site(peerIds: Record<string, readonly [number, number]>) {
    const bridge = await Promise.all(
      Object.keys(peerIds).map((id) =>
        open(new MavlinkConnection(createLink({ kind: 'udpin', host: '127.0.0.1', port: 0 }, { id }))),
      ),
    );
    const router = attachRouter(bridge);
    cleanups.push(async () => router.detach());
    const who = Object.values(peerIds);
    const peers = await Promise.all(
      bridge.map((b, k) =>
        open(
          new MavlinkConnection(
            createLink({ kind: 'udpout', host: '127.0.0.1', port: b.link.localPort() as number }),
            { sysid: who[k]?.[0], compid: who[k]?.[1] },
          ),
        ),
      ),
    );
    const got = peers.map((p) => {
      const list: PacketInfo[] = [];
      p.onPacket((x) => list.push({ ...x, raw: Buffer.from(x.raw) }));
      return list;
    });
    return { bridge, router, peers, got };
  }

  it('shares the vehicle between two ground stations through three connections', async () => {
    // Peers: the aircraft (1/1), QGroundControl (200/190), a tool (201/1).
    const { bridge, router, peers, got } = await site({ vehicle: [1, 1], qgc: [200, 190], tool: [201, 1] });
    const [vehicle, qgc] = peers as [MavlinkConnection, MavlinkConnection];
    const [atVehicle, atQgc, atTool] = got as [PacketInfo[], PacketInfo[], PacketInfo[]];

    // udpin learns where to reply from the first datagram, so every peer says hello first.
    // The tool is a second ground-station program: device links do not exchange broadcasts.
    const types = [2, 6, 6];
    for (const [k, p] of peers.entries()) p.send(heartbeat(types[k]));
    await waitFor(() => bridge.every((b) => b.stats().packetsIn >= 1), 3000, 'hello from every peer');
    await sleep(50);
    for (const g of got) g.length = 0;
    const before = router.forwarded();

    // Heartbeats have no target, so each reaches the other two.
    const sent: Buffer[] = [];
    vehicle.onOutbound((f) => sent.push(Buffer.from(f)));
    for (const [k, p] of peers.entries()) p.send(heartbeat(types[k]));
    await waitFor(() => got.every((g) => g.length === 2), 3000, 'heartbeats everywhere');
    expect(atQgc.map((p) => p.sysid).sort()).toEqual([1, 201]);
    expect(atVehicle.map((p) => p.sysid).sort()).toEqual([200, 201]);
    // Forwarded unchanged: the aircraft's own bytes, its sequence number included.
    expect(atQgc.find((p) => p.sysid === 1)?.raw.equals(sent[0] as Buffer)).toBe(true);

    // QGroundControl commands the aircraft: only the aircraft hears it.
    const cmd = new common.CommandLong();
    cmd.targetSystem = 1;
    cmd.targetComponent = 1;
    cmd.command = common.MavCmd.NAV_RETURN_TO_LAUNCH;
    qgc.send(cmd);
    await waitFor(() => atVehicle.length === 3, 3000, 'command at vehicle');
    expect(atVehicle[2]).toMatchObject({ sysid: 200, msgid: 76, targetSystem: 1 });

    // The aircraft acknowledges to QGroundControl only; something for the bridge itself
    // (255/190) and something for an unknown system go nowhere.
    const ack = new common.CommandAck();
    ack.command = common.MavCmd.NAV_RETURN_TO_LAUNCH;
    ack.targetSystem = 200;
    ack.targetComponent = 190;
    vehicle.send(ack);
    const toBridge = new common.CommandAck();
    toBridge.targetSystem = 255;
    toBridge.targetComponent = 190;
    vehicle.send(toBridge);
    const toNobody = new common.CommandAck();
    toNobody.targetSystem = 42;
    vehicle.send(toNobody);
    await waitFor(() => atQgc.length === 3, 3000, 'ack at qgc');
    await sleep(100);
    expect(atQgc[2]).toMatchObject({ sysid: 1, msgid: 77, targetSystem: 200 });
    expect(atQgc).toHaveLength(3);
    expect(atTool).toHaveLength(2);
    expect(atVehicle).toHaveLength(3);
    expect(router.forwarded() - before).toBe(6 + 1 + 1);
  });

  it('two aircraft links reach the ground station but not each other', async () => {
    const { bridge, peers, got } = await site({ air1: [1, 1], air2: [2, 1], qgc: [255, 190] });
    const [atAir1, atAir2, atQgc] = got as [PacketInfo[], PacketInfo[], PacketInfo[]];
    const types = [2, 2, 6];
    const hello = () => {
      for (const [k, p] of peers.entries()) p.send(heartbeat(types[k]));
    };
    hello();
    await waitFor(() => bridge.every((b) => b.stats().packetsIn >= 1), 3000, 'hello from every peer');
    await sleep(50);
    for (const g of got) g.length = 0;
    hello();
    await waitFor(() => atQgc.length === 2, 3000, 'both aircraft at the ground station');
    await waitFor(() => atAir1.length === 1 && atAir2.length === 1, 3000, 'the ground station at both');
    await sleep(100);
    expect(atQgc.map((p) => p.sysid).sort()).toEqual([1, 2]);
    expect(atAir1.map((p) => p.sysid)).toEqual([255]);
    expect(atAir2.map((p) => p.sysid)).toEqual([255]);
  });
});
