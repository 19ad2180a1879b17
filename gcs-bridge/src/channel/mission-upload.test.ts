/**
 * 'mission.upload' on the bridge against a simulated PX4 over real UDP: mission and fence
 * stored and read back, the mission id confirmed, progress reported, the vehicle's refusal
 * and bad requests answered with codes; and the request arriving through the channel client
 * from a Socket.IO server, with progress events coming back.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Fleet } from '@aerie/hardware';
import { fenceToItems, type Route, toMissionItems, zonesToFence } from '@aerie/missions';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../open-bridge.ts';
import { openSimSite } from '../testing/sim-site.ts';
import { waitFor } from '../testing/wait.ts';
import { BridgeChannelClient } from './client.ts';
import { BRIDGE_NAMESPACE, type MissionUploadProgress, type MissionUploadReply } from './events.ts';
import { runMissionUpload } from './mission-upload.ts';

let fleet: Fleet | undefined;
let running: RunningBridge | undefined;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await running?.close();
  await fleet?.close();
  running = undefined;
  fleet = undefined;
});

const HOME = { lat: 30.2741, lon: 120.1551 };
const route: Route = {
  name: 'patrol',
  home: HOME,
  defaults: { altM: 40, speedMps: 8 },
  items: [
    { type: 'takeoff', altM: 30 },
    { type: 'waypoint', lat: 30.2755, lon: 120.1562, altM: 40 },
    { type: 'waypoint', lat: 30.2762, lon: 120.1549, altM: 40 },
    { type: 'rtl' },
  ],
};
const mission = toMissionItems(route, { flavour: 'px4' });
const fence = fenceToItems(
  zonesToFence([
    { kind: 'nofly', geometry: { type: 'circle', center: { lat: 30.28, lon: 120.16 }, radiusM: 100 } },
  ]),
);

async function site() {
  const opened = await openSimSite({ speedup: 10, home: HOME });
  running = opened.running;
  fleet = opened.fleet;
  const bridge = running.bridge;
  const sysid = fleet.vehicles[0]!.sysid;
  await waitFor(() => bridge.vehicle(sysid), 5000, 'the vehicle to be heard');
  return { bridge, sysid };
}

describe('mission upload on the bridge (simulated PX4 over UDP)', () => {
  it('stores mission and fence, confirms the mission id and reports progress', async () => {
    const { bridge, sysid } = await site();
    const progress: MissionUploadProgress[] = [];
    // Through JSON as on the channel: NaN params arrive as null.
    const wire = JSON.parse(JSON.stringify({ requestId: 'r1', sysid, mission, fence }));
    const reply = await runMissionUpload(bridge, wire, { onProgress: (p) => progress.push(p) });
    expect(reply).toEqual({
      ok: true,
      value: { missionId: expect.any(Number), counts: { mission: 4, fence: 1, rally: 0 } },
    });
    if (!reply.ok) return;
    expect(reply.value.missionId).not.toBe(0);
    const v = bridge.vehicle(sysid)!;
    expect(v.state.mission.missionId).toBe(reply.value.missionId);
    const down = await v.downloadMission();
    expect(down.ok && down.value.items.map((i) => [i.command, i.x, i.y])).toEqual(
      mission.map((i) => [i.command, i.x, i.y]),
    );
    const downFence = await v.downloadMission({ missionType: 1 });
    expect(downFence.ok && downFence.value.items.map((i) => i.command)).toEqual([5004]);
    expect(progress.filter((p) => p.missionType === 'mission').at(-1)).toMatchObject({
      requestId: 'r1',
      sent: 4,
      total: 4,
    });
    expect(progress.some((p) => p.missionType === 'fence' && p.sent === 1)).toBe(true);
  });

  it('answers the vehicle refusal with its code and the list, bad requests with the item and field', async () => {
    const { bridge, sysid } = await site();
    const unsupported = mission.map((i, n) => (n === 1 ? { ...i, command: 31999 } : i));
    const refused = await runMissionUpload(bridge, { requestId: 'r2', sysid, mission: unsupported });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('VehicleRejected');
      expect(refused.error.missionType).toBe('mission');
    }
    const badField = JSON.parse(JSON.stringify({ requestId: 'r3', sysid, mission }));
    badField.mission[2].param1 = 'fast';
    expect(await runMissionUpload(bridge, badField)).toMatchObject({
      ok: false,
      error: { code: 'BadRequest', message: expect.stringContaining('mission[2].param1') },
    });
    const wrongType = await runMissionUpload(bridge, { requestId: 'r4', sysid, mission, fence: mission });
    expect(wrongType).toMatchObject({
      ok: false,
      error: { code: 'BadRequest', message: expect.stringContaining('fence[0].missionType') },
    });
    expect(await runMissionUpload(bridge, { requestId: 'r5', sysid: 77, mission })).toMatchObject({
      ok: false,
      error: { code: 'UnknownVehicle' },
    });
  });

  it('runs through the channel client: the server emits mission.upload and receives progress', async () => {
    const { bridge, sysid } = await site();
    const http = createServer();
    const io = new Server(http);
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          io.close();
          r();
        }),
    );
    const progress: MissionUploadProgress[] = [];
    const replied = new Promise<MissionUploadReply>((resolve) => {
      io.of(BRIDGE_NAMESPACE).on('connection', (socket) => {
        socket.on('bridge.hello', (_h: unknown, ack: (r: unknown) => void) => {
          ack({ lastSeq: 0, bridgeId: 'b1', bridgeName: 'site' });
          socket
            .timeout(15_000)
            .emitWithAck('mission.upload', { requestId: 'r9', sysid, mission })
            .then(resolve, () => {});
        });
        socket.on('bridge.items', (items: { seq: number }[], ack: (r: { lastSeq: number }) => void) =>
          ack({ lastSeq: items.at(-1)?.seq ?? 0 }),
        );
        socket.on('mission.upload_progress', (p: MissionUploadProgress) => progress.push(p));
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const client = new BridgeChannelClient({ serverUrl: url, token: 't', bridge, links: [] });
    cleanups.unshift(() => client.stop());
    client.start();
    const reply = await replied;
    expect(reply).toMatchObject({ ok: true, value: { counts: { mission: 4, fence: 0, rally: 0 } } });
    await waitFor(
      () => progress.some((p) => p.requestId === 'r9' && p.sent === 4),
      3000,
      'progress on the channel',
    );
  });
});
