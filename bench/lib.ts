/** Shared pieces of the benchmarks: result entries, percentiles, and a synthetic PX4 stream. */

import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { build } from '@aerie/server';
import type { FastifyInstance } from 'fastify';
import { common, type MavLinkData, MavLinkProtocolV2, minimal } from 'node-mavlink';

export interface BenchEntry {
  name: string;
  value: number;
  unit: string;
  /** The target in words, e.g. ">= 0.8" or "< 20". */
  target: string;
  met: boolean;
  /** How it was measured, for the README. */
  note?: string;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** CPU time (ms, user + system) a process has used so far, from /proc (Linux); 0 when unknown. */
export function cpuOfPid(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/** The machine's CPU times summed over its cores (ms): pass two readings to `idleShare`. */
export function machineCpu(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const c of os.cpus()) {
    idle += c.times.idle;
    total += c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
  }
  return { idle, total };
}

/** The share (%) of the time between two `machineCpu` readings that the machine's cores were idle. */
export function idleShare(
  before: { idle: number; total: number },
  after: { idle: number; total: number },
): number {
  const total = after.total - before.total;
  return total > 0 ? ((after.idle - before.idle) / total) * 100 : Number.NaN;
}

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Median duration (ms) of `runs` runs of `run`, after `warmup` untimed ones. */
export async function timeMedian(
  run: () => Promise<unknown> | unknown,
  runs = 15,
  warmup = 3,
): Promise<number> {
  for (let i = 0; i < warmup; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await run();
    samples.push(performance.now() - t);
  }
  return percentile(
    samples.sort((a, b) => a - b),
    50,
  );
}

/**
 * A server for a benchmark on `dataDir` (PostgreSQL when `databaseUrl`), its JSON requests
 * (`jsonInject`) and the administrator's bearer token.
 */
export async function benchServer(dataDir: string, password: string, databaseUrl?: string) {
  const app = await build({
    config: { dataDir, logLevel: 'silent', adminPassword: password, ...(databaseUrl ? { databaseUrl } : {}) },
    announce: () => {},
  });
  try {
    const inject = jsonInject(app);
    const login = await inject('POST', '/api/auth/login', undefined, { username: 'admin', password });
    return { app, inject, token: login.token as string };
  } catch (err) {
    await app.close();
    throw err;
  }
}

/** A JSON request through `app.inject()` (bearer `token` when given); throws on a 3xx-5xx answer. */
export function jsonInject(app: FastifyInstance) {
  return async (method: 'GET' | 'POST', url: string, token?: string, payload?: object) => {
    const res = await app.inject({
      method,
      url,
      ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
      ...(payload ? { payload } : {}),
    });
    if (res.statusCode >= 300) throw new Error(`${method} ${url} -> ${res.statusCode} ${res.body}`);
    return res.json();
  };
}

/**
 * A recorded-style stream of what PX4 sends on its ground link at its default rates
 * (FIELD-NOTES): per vehicle and simulated second, GLOBAL_POSITION_INT and ATTITUDE at 30 Hz,
 * GPS_RAW_INT 5, VFR_HUD 4, HEARTBEAT, SYS_STATUS, EXTENDED_SYS_STATE, MISSION_CURRENT 1,
 * BATTERY_STATUS 0.5. One packet per chunk, as UDP datagrams arrive.
 */
export function px4Stream(vehicles: number, seconds: number): Buffer[] {
  const protocols = Array.from({ length: vehicles }, (_, i) => new MavLinkProtocolV2(i + 1, 1));
  const seqs = new Array<number>(vehicles).fill(0);
  const out: Buffer[] = [];
  const emit = (v: number, m: MavLinkData) => {
    out.push(protocols[v]!.serialize(m, seqs[v]!));
    seqs[v] = (seqs[v]! + 1) & 0xff;
  };
  const ticksPerS = 30;
  for (let t = 0; t < seconds * ticksPerS; t++) {
    const ms = Math.round((t * 1000) / ticksPerS);
    for (let v = 0; v < vehicles; v++) {
      const lat = 230300000 + v * 2000 + t;
      const lon = 1131400000 + v * 2000 + t;
      emit(
        v,
        Object.assign(new common.GlobalPositionInt(), {
          timeBootMs: ms,
          lat,
          lon,
          alt: 40_000,
          relativeAlt: 30_000,
          vx: 500,
          vy: 10,
          vz: 0,
          hdg: 9000,
        }),
      );
      emit(
        v,
        Object.assign(new common.Attitude(), {
          timeBootMs: ms,
          roll: 0.01,
          pitch: -0.02,
          yaw: 1.57,
          rollspeed: 0,
          pitchspeed: 0,
          yawspeed: 0,
        }),
      );
      if (t % 6 === 0)
        emit(
          v,
          Object.assign(new common.GpsRawInt(), {
            timeUsec: BigInt(ms) * 1000n,
            fixType: 3,
            lat,
            lon,
            alt: 40_000,
            eph: 80,
            epv: 120,
            vel: 500,
            cog: 9000,
            satellitesVisible: 14,
          }),
        );
      if (t % 8 === 0)
        emit(
          v,
          Object.assign(new common.VfrHud(), {
            airspeed: 5,
            groundspeed: 5,
            heading: 90,
            throttle: 40,
            alt: 40,
            climb: 0,
          }),
        );
      if (t % 30 === v % 30) {
        emit(
          v,
          Object.assign(new minimal.Heartbeat(), {
            type: 2,
            autopilot: 12,
            baseMode: 0x9d,
            customMode: 0x04040000,
            systemStatus: 4,
            mavlinkVersion: 3,
          }),
        );
        emit(
          v,
          Object.assign(new common.SysStatus(), {
            voltageBattery: 15_800,
            currentBattery: 1200,
            batteryRemaining: 80,
          }),
        );
        emit(v, Object.assign(new common.ExtendedSysState(), { vtolState: 0, landedState: 2 }));
        emit(
          v,
          Object.assign(new common.MissionCurrent(), { seq: 2, total: 6, missionState: 3, missionId: 1234 }),
        );
      }
      if (t % 60 === v % 60)
        emit(
          v,
          Object.assign(new common.BatteryStatus(), {
            id: 0,
            batteryRemaining: 80,
            voltages: [15_800, 65535, 65535, 65535, 65535, 65535, 65535, 65535, 65535, 65535],
          }),
        );
    }
  }
  return out;
}
