/**
 * The bridge's other links against the simulator: a serial pty pair (as a telemetry radio
 * would be), a second ground station sharing the aircraft through the bridge, and .tlog
 * recording replayed as a link.
 */

import dgram from 'node:dgram';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBridge, readTlog } from '@aerie/gcs-bridge';
import { startFleet, startVehicle } from '@aerie/hardware';
import { common, MavLinkPacketParser, MavLinkPacketSplitter, MavLinkProtocolV2, minimal } from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import { waitFor } from './harness.ts';
import { ptyPair } from './socat.ts';

const HOME = { lat: 23.03, lon: 113.14 };

describe('bridge over a serial pty pair', () => {
  it('discovers the vehicle, commands it and transfers a mission over serial', async () => {
    const pty = await ptyPair();
    const vehicleSim = await startVehicle({
      sysid: 7,
      home: HOME,
      speedup: 10,
      serialPath: pty.a,
      baudRate: 115200,
    });
    const opened = await openBridge({ links: [`serial://${pty.b}?baud=115200`] });
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    try {
      const v = (await opened.value.bridge.waitForVehicle(7, 5000))!;
      expect(v).not.toBeNull();
      await waitFor(() => v.state.lat !== null, 5000, 'position over serial');
      expect(v.state.autopilot).toBe('px4');
      const items = [0, 1, 2].map((seq) => ({
        seq,
        frame: 6,
        command: 16,
        current: 0,
        autocontinue: 1,
        param1: 0,
        param2: 0,
        param3: 0,
        param4: 0,
        x: 230300000 + seq * 1000,
        y: 1131400000,
        z: 20,
        missionType: 0 as const,
      }));
      expect((await v.uploadMission(items)).ok).toBe(true);
      expect(await v.setMode('AUTO.MISSION')).toMatchObject({ ok: true });
      await waitFor(() => v.state.mode === 'AUTO.MISSION', 5000, 'mode over serial');
      expect(opened.value.connections[0]!.stats().crcErrors).toBe(0);
    } finally {
      await opened.value.close();
      await vehicleSim.close();
      await pty.close();
    }
  });
});

/** A minimal second ground station on a plain UDP socket, as QGroundControl would be. */
function secondGcs(port: number) {
  const socket = dgram.createSocket('udp4');
  const splitter = new MavLinkPacketSplitter();
  const parser = splitter.pipe(new MavLinkPacketParser());
  const seen: Array<{ sysid: number; msgid: number; payload: unknown }> = [];
  parser.on('data', (p) => {
    const clazz = { ...minimal.REGISTRY, ...common.REGISTRY }[p.header.msgid];
    seen.push({
      sysid: p.header.sysid,
      msgid: p.header.msgid,
      payload: clazz ? p.protocol.data(p.payload, clazz) : null,
    });
  });
  socket.on('message', (m) => splitter.write(m));
  // QGroundControl's own identity: the bridge (245) leaves it free.
  const protocol = new MavLinkProtocolV2(255, 190);
  let seq = 0;
  return {
    seen,
    send(msg: InstanceType<typeof minimal.Heartbeat> | InstanceType<typeof common.CommandLong>) {
      socket.send(protocol.serialize(msg, seq++ & 0xff), port, '127.0.0.1');
    },
    close: () => new Promise<void>((r) => socket.close(() => r())),
  };
}

describe('routing between links', () => {
  it('lets a second ground station see the vehicle and command it through the bridge', async () => {
    const opened = await openBridge({ links: ['udpin://127.0.0.1:0', 'udpin://127.0.0.1:0'] });
    if (!opened.ok) throw new Error(opened.error.message);
    const [vehicleLink, gcsLink] = opened.value.connections.map((c) => c.link.localPort()!);
    const fleet = await startFleet({
      vehicles: 1,
      home: HOME,
      speedup: 5,
      basePort: 0,
      gcsPort: vehicleLink,
    });
    const qgc = secondGcs(gcsLink!);
    try {
      await opened.value.bridge.waitForVehicle(1, 5000);
      const hb = Object.assign(new minimal.Heartbeat(), {
        type: 6,
        autopilot: 8,
        baseMode: 0,
        customMode: 0,
        systemStatus: 4,
        mavlinkVersion: 3,
      });
      qgc.send(hb);
      await waitFor(
        () => qgc.seen.some((m) => m.sysid === 1 && m.msgid === 0),
        5000,
        'vehicle heartbeat at the second GCS',
      );

      // MAV_CMD_REQUEST_MESSAGE(AUTOPILOT_VERSION) from the second GCS: the ack comes back to it.
      const cmd = Object.assign(new common.CommandLong(), {
        targetSystem: 1,
        targetComponent: 1,
        command: 512,
        confirmation: 0,
      });
      (cmd as unknown as { _param1: number })._param1 = 148;
      qgc.send(cmd);
      await waitFor(
        () =>
          qgc.seen.some(
            (m) => m.sysid === 1 && m.msgid === 77 && (m.payload as { command: number }).command === 512,
          ),
        5000,
        'COMMAND_ACK routed back to the second GCS',
      );
      // The second ground station does not show up as a vehicle.
      expect(opened.value.bridge.vehicles().map((v) => v.sysid)).toEqual([1]);
      expect(opened.value.router!.forwarded()).toBeGreaterThan(0);
    } finally {
      await qgc.close();
      await opened.value.close();
      await fleet.close();
    }
  });
});

describe('.tlog recording and replay', () => {
  it('records both directions and replays the recording as a link', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aerie-tlog-'));
    try {
      const opened = await openBridge({ links: ['udpin://127.0.0.1:0'], tlogDir: dir });
      if (!opened.ok) throw new Error(opened.error.message);
      const fleet = await startFleet({
        vehicles: 2,
        home: HOME,
        speedup: 5,
        basePort: 0,
        gcsPort: opened.value.connections[0]!.link.localPort()!,
      });
      await waitFor(
        () => opened.value.bridge.vehicles().filter((v) => v.lat !== null).length === 2,
        5000,
        'two vehicles',
      );
      await new Promise((r) => setTimeout(r, 1200));
      await opened.value.close();
      await fleet.close();

      const files = readdirSync(dir).filter((f) => f.endsWith('.tlog'));
      expect(files).toHaveLength(1);
      const path = join(dir, files[0]!);
      const sysids = new Set<number>();
      let last = 0;
      for await (const rec of readTlog(path)) {
        expect(rec.timestampUs).toBeGreaterThanOrEqual(last);
        last = rec.timestampUs;
        sysids.add(rec.packet[0] === 0xfd ? rec.packet[5]! : rec.packet[3]!);
      }
      // Vehicles 1 and 2 in, and the bridge's own heartbeats (245) out.
      expect([...sysids].sort((a, b) => a - b)).toEqual([1, 2, 245]);

      const replay = await openBridge({ links: [`tlog://${path}?speed=0`] });
      if (!replay.ok) throw new Error(replay.error.message);
      try {
        await waitFor(() => replay.value.bridge.vehicles().length === 2, 5000, 'vehicles from the replay');
        expect(replay.value.bridge.vehicles().every((v) => v.autopilot === 'px4' && v.lat !== null)).toBe(
          true,
        );
      } finally {
        await replay.value.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
