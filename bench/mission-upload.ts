/**
 * Mission upload over loopback UDP to the simulated PX4 (real time, PX4's re-request timing),
 * 100 and 500 items, with 0% and 10% packet loss in both directions.
 */
import { openBridge } from '@aerie/gcs-bridge';
import { startFleet } from '@aerie/hardware';
import type { MissionItemInt } from '@aerie/missions';
import { type BenchEntry, round } from './lib.ts';

function items(n: number): MissionItemInt[] {
  return Array.from({ length: n }, (_, seq) => ({
    seq,
    frame: 6,
    command: 16,
    current: 0,
    autocontinue: 1,
    param1: 0,
    param2: 2,
    param3: 0,
    param4: Number.NaN,
    x: 230300000 + seq * 100,
    y: 1131400000 + seq * 50,
    z: 30,
    missionType: 0,
  }));
}

async function upload(n: number, lossPct: number): Promise<{ ok: boolean; seconds: number; error?: string }> {
  const opened = await openBridge({ links: ['udpin://127.0.0.1:0'] });
  if (!opened.ok) throw new Error(opened.error.message);
  const fleet = await startFleet({
    vehicles: 1,
    basePort: 0,
    gcsHost: '127.0.0.1',
    gcsPort: opened.value.connections[0]!.link.localPort()!,
    maxItems: 1000,
  });
  try {
    const vehicle = await opened.value.bridge.waitForVehicle(1, 10_000);
    if (!vehicle) throw new Error('no vehicle');
    fleet.vehicles[0]!.injectFault({ lossPct });
    const t0 = performance.now();
    const r = await vehicle.uploadMission(items(n), { verifyTimeoutMs: 0 });
    const seconds = (performance.now() - t0) / 1000;
    return r.ok ? { ok: true, seconds } : { ok: false, seconds, error: r.error.message };
  } finally {
    await opened.value.close();
    await fleet.close();
  }
}

export async function benchMissionUpload(): Promise<BenchEntry[]> {
  const out: BenchEntry[] = [];
  for (const loss of [0, 10]) {
    for (const n of [100, 500]) {
      const r = await upload(n, loss);
      const target = loss === 0 && n === 500 ? '< 2 s' : 'completes';
      const met = r.ok && (target === 'completes' || r.seconds < 2);
      out.push({
        name: `mission-upload: ${n} items, ${loss}% loss`,
        value: round(r.seconds, 2),
        unit: r.ok ? 's' : `s (failed: ${r.error})`,
        target,
        met,
        note: 'simulated PX4 over UDP loopback, real-time timers, loss in both directions',
      });
    }
  }
  return out;
}
