/**
 * The `aerie` command line as a field engineer uses it: the simulator, `status --json` and a
 * `field-test` of a QGroundControl .plan, each as a real process over real UDP.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aerie, aerieBackground, FIXTURES, freeUdpPort } from './cli.ts';

let stopSim: (() => Promise<unknown>) | undefined;
afterEach(async () => {
  await stopSim?.();
  stopSim = undefined;
});

async function sim(vehicles: number, speedup: number, extra: string[] = []) {
  const gcsPort = await freeUdpPort();
  const basePort = await freeUdpPort();
  const s = aerieBackground([
    'sim',
    '--vehicles',
    String(vehicles),
    '--base-port',
    String(basePort),
    '--gcs',
    `127.0.0.1:${gcsPort}`,
    '--speedup',
    String(speedup),
    ...extra,
  ]);
  stopSim = s.stop;
  return { gcsPort, ...s };
}

describe('aerie CLI: usage errors name what is wrong', () => {
  it('lists its commands', async () => {
    const r = await aerie(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['sim', 'status', 'field-test', 'up']) expect(r.stdout).toContain(c);
  });

  it('names a malformed link URI', async () => {
    const r = await aerie(['status', '--json', '--link', 'udpin://127.0.0.1:notaport']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('udpin://127.0.0.1:notaport');
  });

  it('names a missing plan file', async () => {
    const r = await aerie([
      'field-test',
      '--link',
      'udpin://127.0.0.1:0',
      '--plan',
      '/nonexistent/patrol.plan',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('/nonexistent/patrol.plan');
  });

  it('names a bad --home for the simulator', async () => {
    const r = await aerie(['sim', '--home', 'abc']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--home');
  });

  it('rejects a plan with a bad item, naming the item index and field, before connecting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aerie-plan-'));
    try {
      const plan = JSON.parse(
        (await import('node:fs')).readFileSync(join(FIXTURES, 'patrol-guicheng.plan'), 'utf8'),
      );
      plan.mission.items[2].params[4] = 123.5;
      const file = join(dir, 'bad.plan');
      writeFileSync(file, JSON.stringify(plan));
      const r = await aerie(['field-test', '--link', 'udpin://127.0.0.1:0', '--plan', file, '--json']);
      expect(r.code).toBe(2);
      const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
      expect(summary.ok).toBe(false);
      expect(summary.error.code).toBe('BadPlan');
      expect(summary.error.message).toMatch(/items\[2\]/);
      expect(summary.error.message).toMatch(/lat|params\[4\]/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('aerie sim + aerie status', () => {
  it('shows every simulated vehicle as JSON', async () => {
    const s = await sim(3, 5);
    const r = await aerie(['status', '--link', `udpin://127.0.0.1:${s.gcsPort}`, '--json', '--wait', '3']);
    expect(r.code, r.stderr + s.output()).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows.map((v: { sysid: number }) => v.sysid)).toEqual([1, 2, 3]);
    for (const v of rows) {
      expect(v).toMatchObject({ autopilot: 'px4', armed: false, landed: true });
      expect(typeof v.mode).toBe('string');
      expect(v.lat).toBeCloseTo(23.03, 1);
      expect(v.lon).toBeCloseTo(113.14, 1);
      expect(v.altRelM).toBeCloseTo(0, 0);
      expect(v.batteryPct).toBeGreaterThan(90);
    }
  });

  it('prints an empty array and fails when nothing answers', async () => {
    const port = await freeUdpPort();
    const r = await aerie(['status', '--link', `udpin://127.0.0.1:${port}`, '--json', '--wait', '1']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(r.stderr).toContain('no vehicle heard');
  });
});

describe('aerie field-test', () => {
  it('flies a QGroundControl .plan on the simulated PX4 to landing and disarm', async () => {
    const s = await sim(1, 20);
    const r = await aerie(
      [
        'field-test',
        '--link',
        `udpin://127.0.0.1:${s.gcsPort}`,
        '--plan',
        join(FIXTURES, 'patrol-guicheng.plan'),
        '--json',
      ],
      90_000,
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const summary = JSON.parse(lines.at(-1)!);
    expect(summary).toMatchObject({ ok: true, sysid: 1, autopilot: 'px4', itemsTotal: 4 });
    expect(summary.itemsReached).toBeGreaterThanOrEqual(3);
    expect(summary.missionComplete, lines.join('\n')).toBe(true);
    expect(summary.completionEvidence.length).toBeGreaterThan(0);
    expect(summary.maxAltRelM).toBeGreaterThan(25);
    // PX4 climbs to RTL_RETURN_ALT (60 m) before returning.
    expect(summary.maxAltRelM).toBeLessThanOrEqual(65);
    // Out to ~170 m, along ~150 m, and back: a few hundred metres.
    expect(summary.distanceM).toBeGreaterThan(300);
    expect(summary.distanceM).toBeLessThan(1500);
    const timeline = lines.join('\n');
    expect(timeline).toContain('upload complete');
    expect(timeline).toContain('mode AUTO.MISSION');
    expect(timeline).toContain('mode AUTO.RTL');
    expect(timeline).toMatch(/item 1 reached/);
  }, 120_000);

  it('fails with NoVehicle when nothing answers', async () => {
    const port = await freeUdpPort();
    const r = await aerie([
      'field-test',
      '--link',
      `udpin://127.0.0.1:${port}`,
      '--plan',
      join(FIXTURES, 'patrol-guicheng.plan'),
      '--connect-timeout',
      '1',
      '--json',
    ]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!).error.code).toBe('NoVehicle');
  });
});
