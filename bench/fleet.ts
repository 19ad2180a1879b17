/**
 * Fleet: simulated vehicles at 10 Hz position + attitude into one bridge process over UDP on
 * loopback. A MAVLink network holds at most 254 system ids, so the fleet is split into
 * networks of up to 250 vehicles, each on its own link into the same process (as a site with
 * several radio networks). The fleet grows until the bridge no longer keeps up (receives less
 * than 99% of the position messages sent, or state-update latency p99 reaches 20 ms).
 */
import { spawn, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Bridge, bridgeConnection, createLink, MavlinkConnection, parseLinkUri } from '@aerie/gcs-bridge';
import { type BenchEntry, percentile, round } from './lib.ts';

const GENERATOR = fileURLToPath(new URL('./fleet-generator.ts', import.meta.url));
const PER_NETWORK = 250;
const RATE_HZ = 10;
const DURATION_S = 4;
const WARMUP_MS = 1000;
const SWEEP = [100, 250, 500, 750, 1000, 1500, 2000];

interface Step {
  vehicles: number;
  received: number;
  sent: number;
  p50: number;
  p99: number;
  elu: number;
}

const hasTaskset = spawnSync('taskset', ['-V']).status === 0;

async function runStep(vehicles: number): Promise<Step> {
  const networks = Math.ceil(vehicles / PER_NETWORK);
  const perNetwork = Math.ceil(vehicles / networks);
  const bridges: Bridge[] = [];
  const ports: number[] = [];
  const latencies: number[] = [];
  let received = 0;
  const base = Date.now();
  const measureFrom = base + WARMUP_MS;
  for (let n = 0; n < networks; n++) {
    const spec = parseLinkUri('udpin://127.0.0.1:0');
    if (!spec.ok) throw new Error(spec.error.message);
    const connection = new MavlinkConnection(createLink(spec.value, { id: `net${n}` }));
    const bridge = new Bridge({ connections: [bridgeConnection(connection)] });
    await bridge.start();
    // Registered after the bridge's own handler: when it runs, the state is already updated.
    connection.onMessage((m) => {
      if (m.msgid !== 33) return;
      received++;
      const now = Date.now();
      if (now < measureFrom) return;
      latencies.push(now - (base + (m.message as unknown as { timeBootMs: number }).timeBootMs));
    });
    bridges.push(bridge);
    ports.push(connection.link.localPort()!);
  }
  const args = [
    GENERATOR,
    ports.join(','),
    String(perNetwork),
    String(RATE_HZ),
    String(DURATION_S),
    String(base),
  ];
  const cmd = hasTaskset ? 'taskset' : process.execPath;
  const cmdArgs = hasTaskset
    ? ['-c', '1', process.execPath, '--import', 'tsx', ...args]
    : ['--import', 'tsx', ...args];
  const elu0 = performance.eventLoopUtilization();
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
    let s = '';
    child.stdout.on('data', (d) => (s += d));
    child.on('exit', (code) => (code === 0 ? resolve(s) : reject(new Error(`generator exited ${code}`))));
  });
  const elu = performance.eventLoopUtilization(elu0).utilization;
  await new Promise((r) => setTimeout(r, 200));
  for (const b of bridges) await b.stop();
  const sent = JSON.parse(out.trim()).sent as number;
  latencies.sort((a, b) => a - b);
  return {
    vehicles: networks * perNetwork,
    received,
    sent,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    elu,
  };
}

export async function benchFleet(): Promise<BenchEntry[]> {
  if (hasTaskset) spawnSync('taskset', ['-cp', '0', String(process.pid)]);
  const steps: Step[] = [];
  for (const n of SWEEP) {
    const s = await runStep(n);
    const keptUp = s.received >= 0.99 * s.sent && s.p99 < 20;
    process.stderr.write(
      `  fleet ${s.vehicles}: ${s.received}/${s.sent} positions, p50 ${s.p50} ms, p99 ${s.p99} ms, event loop ${Math.round(s.elu * 100)}% ${keptUp ? 'kept up' : 'FELL BEHIND'}\n`,
    );
    steps.push(s);
    // A latency spike from another process is not falling behind; losing messages is.
    if (s.received < 0.95 * s.sent) break;
  }
  const kept = steps.filter((s) => s.received >= 0.99 * s.sent && s.p99 < 20);
  const largest = kept.at(-1)?.vehicles ?? 0;
  // When every step kept up, the figure is a floor: the sweep stopped, the bridge did not.
  const unit =
    kept.length === steps.length && steps.length === SWEEP.length
      ? 'vehicles (every step kept up; largest tried)'
      : 'vehicles';
  const at500 = steps.find((s) => s.vehicles === 500);
  const note = `10 Hz GLOBAL_POSITION_INT + ATTITUDE per vehicle over UDP loopback, networks of <= ${PER_NETWORK}; generator in its own process${hasTaskset ? ', bridge pinned to core 0' : ''}`;
  return [
    {
      name: 'fleet: largest fleet kept up with on one core',
      value: largest,
      unit,
      target: '>= 500',
      met: largest >= 500,
      note,
    },
    {
      name: 'fleet: state-update latency p99 at 500 vehicles',
      value: at500 ? round(at500.p99, 1) : Number.NaN,
      unit: 'ms',
      target: '< 20',
      met: at500 !== undefined && at500.p99 < 20,
      note,
    },
  ];
}
