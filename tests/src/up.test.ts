/**
 * The README's first command, as a user runs it: `npm start` (= `node bin/aerie.mjs up`) on a
 * fresh data folder, then sign in, watch the simulated fleet come online over HTTP and the
 * console's Socket.IO namespace, send a command, and press Ctrl-C: every process it started
 * must be gone. Ports come from the OS so this runs beside a live system.
 */
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type ConsoleFleetRow, decodeFleetRow } from '@aerie/contracts';
import { io as connect } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { freeTcpPort, freeUdpPort, freeUdpRange, until } from './cli.ts';
import { type AerieUpProcess, ROOT, spawnAerie, spawnAerieUp, waitForBanner } from './system.ts';

const PASSWORD = 'up-test-admin-password';
const VEHICLES = 8;

async function childrenOf(pid: number): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid ...; comm may hold spaces, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8');
      if (ppid === pid && cmdline.includes('aerie.mjs')) out.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const STATE_FIELDS = [
  'lat',
  'lon',
  'altRelM',
  'headingDeg',
  'groundSpeedMps',
  'mode',
  'armed',
  'landed',
  'batteryPct',
] as const;

let up: AerieUpProcess | undefined;

afterAll(async () => {
  await up?.stop();
}, 30_000);

describe('npm start (aerie up)', () => {
  it('brings up server, bridge and 8 docked simulated aircraft, and Ctrl-C stops every process', async () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: { start: string };
    };
    expect(pkg.scripts.start).toBe('node bin/aerie.mjs up');

    up = await spawnAerieUp({ name: 'up-test', adminPassword: PASSWORD, vehicles: VEHICLES });
    const { child, base, exited, dataDir } = up;
    await up.banner(60_000);
    const output = up.output();
    expect(output).toContain(`API              ${base}`);
    expect(output).toContain(`${base}/api/docs`);
    expect(output).toContain('AERIE_ADMIN_PASSWORD');
    expect(output).not.toContain(PASSWORD);
    // The bridge token lives in the data folder, readable by its owner only.
    expect(statSync(path.join(dataDir, 'local-bridge.token')).mode & 0o777).toBe(0o600);

    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    const token = ((await login.json()) as { token: string }).token;
    const auth = { authorization: `Bearer ${token}` };

    type Vehicle = {
      id: string;
      name: string;
      sysid: number;
      online: boolean;
      state: Record<string, unknown> | null;
    };
    const fleet = await until(
      async () => {
        const res = await fetch(`${base}/api/vehicles`, { headers: auth });
        const body = (await res.json()) as { items: Vehicle[] };
        const ready = body.items.filter(
          (v) =>
            v.online &&
            v.state &&
            STATE_FIELDS.every((f) => v.state![f] !== null && v.state![f] !== undefined),
        );
        return ready.length === VEHICLES && body.items.length === VEHICLES ? body.items : undefined;
      },
      `${VEHICLES} vehicles online with state`,
      60_000,
    );
    expect(fleet.map((v) => v.sysid).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const v of fleet) {
      const s = v.state!;
      // Docked around Guicheng, Nanhai: on the ground, disarmed, within a few km of 23.03 N 113.14 E.
      expect(Math.abs((s.lat as number) - 23.03)).toBeLessThan(0.05);
      expect(Math.abs((s.lon as number) - 113.14)).toBeLessThan(0.05);
      expect(s.landed).toBe(true);
      expect(s.armed).toBe(false);
      expect(s.batteryPct as number).toBeGreaterThan(50);
    }
    const docks = (await (await fetch(`${base}/api/docks`, { headers: auth })).json()) as { total: number };
    expect(docks.total).toBe(VEHICLES);

    // The console namespace sends the fleet to a signed-in browser.
    const socket = connect(`${base}/console`, {
      transports: ['websocket'],
      auth: { token },
      reconnection: false,
    });
    try {
      const seen = new Set<string>();
      socket.on('fleet.state', (rows: ConsoleFleetRow[]) => {
        for (const i of rows.map(decodeFleetRow)) if (i.online) seen.add(i.vehicleId);
      });
      await until(async () => (seen.size === VEHICLES ? true : undefined), 'the fleet on /console', 15_000);
    } finally {
      socket.disconnect();
    }

    // A command goes all the way to the aircraft and back with its coded answer.
    const cmd = await fetch(`${base}/api/vehicles/${fleet[0]!.id}/commands`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'hold' }),
    });
    const answer = (await cmd.json()) as { commandId?: string; ok?: boolean };
    expect(cmd.status, JSON.stringify(answer)).toBe(200);
    expect(answer.commandId).toEqual(expect.any(String));

    const started = await childrenOf(child.pid!);
    expect(started.length).toBe(3);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const pid of started) expect(alive(pid), `child ${pid} still running`).toBe(false);
  }, 150_000);

  it('stops the rest, with a message, when one of its processes dies', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-up-test-'));
    const proc = spawnAerie(
      [
        'up',
        '--port',
        String(await freeTcpPort()),
        '--data-dir',
        dir,
        '--gcs-port',
        String(await freeUdpPort()),
        '--base-port',
        String(await freeUdpRange(2)),
        '--vehicles',
        '2',
      ],
      dir,
      { AERIE_ADMIN_PASSWORD: PASSWORD },
    );
    try {
      await waitForBanner(proc, 60_000);
      const started = await until(
        async () => {
          const pids = await childrenOf(proc.child.pid!);
          return pids.length === 3 ? pids : undefined;
        },
        'three processes',
        10_000,
      );
      const cmdlines = await Promise.all(started.map((p) => readFile(`/proc/${p}/cmdline`, 'utf8')));
      const sim = started[cmdlines.findIndex((c) => c.includes('\0sim\0'))]!;
      process.kill(sim, 'SIGKILL');
      expect(await proc.exited).toBe(1);
      expect(proc.output()).toContain('aerie up: the simulator exited (SIGKILL); stopping the rest');
      for (const pid of started) expect(alive(pid), `child ${pid} still running`).toBe(false);
    } finally {
      await proc.stop();
    }
  }, 90_000);
});
