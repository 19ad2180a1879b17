/**
 * A sortie's .tlog end to end: the server in this process, two simulated PX4 vehicles over
 * real UDP, `aerie bridge` as a child process. Vehicle 1 takes off and lands (it disarms by
 * itself on the ground); the bridge records it from arm to disarm and uploads the recording;
 * the sortie then offers it at GET /api/sorties/:id/tlog, and the bytes are a .tlog of that
 * vehicle's conversation only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GCS_SYSID, splitTlog } from '@aerie/gcs-bridge';
import { type SimVehicle, startVehicle } from '@aerie/hardware';
import { sendVehicleCommand } from '@aerie/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { AERIE_BIN, freeUdpPort } from './cli.ts';
import { startTestServer } from './harness.ts';

const HOME = { lat: 23.03, lon: 113.14 };
const ADMIN_PASSWORD = 'admin-password-for-tlog-test';

let dir = '';
let app: FastifyInstance | undefined;
let sims: SimVehicle[] = [];
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(sims.map((v) => v.close()));
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function poll<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** Source sysid, message id and payload of one raw MAVLink frame. */
function frameOf(p: Buffer): { sysid: number; msgid: number; payload: Buffer } {
  if (p[0] === 0xfd) {
    const msgid = p[7]! | (p[8]! << 8) | (p[9]! << 16);
    // MAVLink 2 trims trailing zeros: pad so fixed offsets read 0.
    const payload = Buffer.alloc(255);
    p.copy(payload, 0, 10, 10 + p[1]!);
    return { sysid: p[5]!, msgid, payload };
  }
  const payload = Buffer.alloc(255);
  p.copy(payload, 0, 6, 6 + p[1]!);
  return { sysid: p[3]!, msgid: p[5]!, payload };
}

const HEARTBEAT = 0;
const COMMAND_LONG = 76;
const MAV_CMD_NAV_LAND = 21;
const ARMED = 0x80;

describe('sortie tlog: sim -> aerie bridge (child process) -> server -> GET /api/sorties/:id/tlog', () => {
  it('records vehicle 1 from arm to disarm and serves it as a .tlog of that sortie', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-sortie-tlog-'));
    const server = await startTestServer(dir, ADMIN_PASSWORD);
    app = server.app;
    const { url } = server;
    const auth = { authorization: `Bearer ${server.token}` };
    const created = await app.inject({
      method: 'POST',
      url: '/api/bridges',
      headers: auth,
      payload: { name: 'shunde' },
    });
    expect(created.statusCode).toBe(201);
    const tokenFile = path.join(dir, 'bridge.token');
    await writeFile(tokenFile, `${created.json().token as string}\n`, { mode: 0o600 });

    const gcsPorts = [await freeUdpPort(), await freeUdpPort()];
    const child = spawn(
      process.execPath,
      [
        AERIE_BIN,
        'bridge',
        '--server',
        url,
        '--token-file',
        tokenFile,
        ...gcsPorts.flatMap((p) => ['--link', `udpin://127.0.0.1:${p}`]),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    sims = await Promise.all(
      gcsPorts.map((gcsPort, i) =>
        startVehicle({
          sysid: i + 1,
          home: { lat: HOME.lat + i * 0.003, lon: HOME.lon },
          speedup: 10,
          settleS: 2,
          preflightDisarmS: 0,
          port: 0,
          bindHost: '127.0.0.1',
          gcsHost: '127.0.0.1',
          gcsPort,
        }),
      ),
    );

    const vehicleId = await poll(
      async () => {
        const res = await app!.inject({ method: 'GET', url: '/api/vehicles?limit=100', headers: auth });
        const rows = res.json().items as Array<{ id: string; sysid: number | null }>;
        const v1 = rows.find((r) => r.sysid === 1);
        return (
          v1 && rows.some((r) => r.sysid === 2) && app!.aerie.liveState.get(v1.id).state?.lat != null && v1.id
        );
      },
      20_000,
      `both vehicles registered with a position (bridge output:\n${out})`,
    );

    // Take off (PX4 refuses arming for a while after boot), climb a little, land.
    let reply = await sendVehicleCommand(
      app.aerie.bridgeHub,
      app.aerie.database.db,
      vehicleId,
      { action: 'takeoff', altRelM: 8 },
      { requestId: 't-1' },
    );
    for (let i = 0; i < 30 && !reply.ok && reply.error.code === 'TemporarilyRejected'; i++) {
      await sleep(200);
      reply = await sendVehicleCommand(
        app.aerie.bridgeHub,
        app.aerie.database.db,
        vehicleId,
        { action: 'takeoff', altRelM: 8 },
        { requestId: `t-${i + 2}` },
      );
    }
    expect(reply, JSON.stringify(reply)).toMatchObject({ ok: true });
    await poll(
      async () => ((app!.aerie.liveState.get(vehicleId).state?.altRelM as number | null) ?? 0) > 4,
      15_000,
      'vehicle 1 climbing',
    );
    const landed = await sendVehicleCommand(
      app.aerie.bridgeHub,
      app.aerie.database.db,
      vehicleId,
      { action: 'land' },
      { requestId: 'l-1' },
    );
    expect(landed, JSON.stringify(landed)).toMatchObject({ ok: true });

    // The sortie closes on the disarm event; the tlog follows it.
    const sortie = await poll(
      async () => {
        const res = await app!.inject({
          method: 'GET',
          url: `/api/sorties?vehicleId=${vehicleId}&limit=10`,
          headers: auth,
        });
        const items = res.json().items as Array<{
          id: string;
          status: string;
          hasTlog: boolean;
          startedAt: string;
          endedAt: string | null;
        }>;
        return items.find((s) => s.status !== 'running' && s.hasTlog);
      },
      25_000,
      `a closed sortie with a tlog (bridge output:\n${out})`,
    );
    expect(sortie.status).toBe('completed');

    const res = await app.inject({ method: 'GET', url: `/api/sorties/${sortie.id}/tlog`, headers: auth });
    expect(res.statusCode).toBe(200);
    const bytes = res.rawPayload;
    const { records, rest } = splitTlog(bytes);
    expect(rest, 'every byte belongs to a record').toBe(bytes.length);
    expect(records.length).toBeGreaterThan(20);

    const frames = records.map((r) => ({ ...frameOf(r.packet), atUs: r.timestampUs }));
    // Only vehicle 1 and the bridge speak in it.
    expect(new Set(frames.map((f) => f.sysid))).toEqual(new Set([1, GCS_SYSID]));
    const armedBeats = frames.filter(
      (f) => f.sysid === 1 && f.msgid === HEARTBEAT && ((f.payload[6] as number) & ARMED) !== 0,
    );
    expect(armedBeats.length).toBeGreaterThan(0);
    const commands = frames.filter((f) => f.sysid === GCS_SYSID && f.msgid === COMMAND_LONG);
    // COMMAND_LONG: 7 float params, then command (u16) at 28 and target_system at 30.
    expect(commands.map((c) => c.payload.readUInt16LE(28))).toContain(MAV_CMD_NAV_LAND);
    expect(commands.every((c) => c.payload[30] === 1)).toBe(true);
    // Timestamps run forward and lie inside the sortie (wall clock, microseconds).
    for (let i = 1; i < frames.length; i++)
      expect(frames[i]!.atUs).toBeGreaterThanOrEqual(frames[i - 1]!.atUs);
    const startedMs = Date.parse(sortie.startedAt);
    expect(frames[0]!.atUs / 1000).toBeGreaterThanOrEqual(startedMs - 1000);
    expect(frames.at(-1)!.atUs / 1000).toBeLessThanOrEqual(Date.parse(sortie.endedAt!) + 1000);

    // One recording, one media row; vehicle 2 never armed, so it has no sortie.
    const { media, sorties } = (await import('@aerie/server')).schema;
    const db = app.aerie.database.db;
    expect((await db.select().from(media)).filter((m) => m.kind === 'tlog')).toHaveLength(1);
    expect((await db.select().from(sorties)).filter((s) => s.tlogSha256 !== null)).toHaveLength(1);
    expect(out).toContain('sortie tlog stored by the server');
  }, 60_000);
});
