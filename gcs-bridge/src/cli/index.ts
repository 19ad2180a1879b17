/**
 * The bridge's commands for the `aerie` CLI: `status` (live fleet table or one JSON snapshot)
 * and `field-test` (fly a plan on one aircraft and report). Thin adapters: they read files and
 * the environment, open a bridge, and print.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { VehicleSnapshot } from '../bridge.ts';
import { linkLossOutcome, runFieldTest } from '../field-test.ts';
import { openBridge, type RunningBridge } from '../open-bridge.ts';
import { registerBridgeCommand } from './bridge-command.ts';
import { addLinkOptions, type LinkOptions, positiveArg, signingFrom } from './options.ts';

function sysidArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 255)
    throw new InvalidArgumentError(`--sysid must be 1..255, got '${value}'`);
  return n;
}

type LinkCliOptions = LinkOptions;

const LINK_HELP =
  'MAVLink link (repeatable): udpin://HOST:PORT, udpout://HOST:PORT, tcp://HOST:PORT, tcpin://HOST:PORT, serial:///dev/ttyX?baud=57600, tlog:///file.tlog';

async function open(opts: LinkCliOptions): Promise<RunningBridge> {
  const signing = signingFrom(opts, process.env);
  const running = await openBridge({
    links: opts.link,
    ...(signing ? { signing } : {}),
    ...(opts.tlogDir ? { tlogDir: opts.tlogDir } : {}),
  });
  if (!running.ok) throw new Error(running.error.message);
  return running.value;
}

/** The fields `status --json` prints, one object per vehicle. */
export function statusRow(v: VehicleSnapshot) {
  return {
    sysid: v.sysid,
    autopilot: v.autopilot,
    online: v.online,
    mode: v.mode,
    modeKind: v.modeKind,
    armed: v.armed,
    landed: v.landed,
    lat: v.lat,
    lon: v.lon,
    altRelM: v.altRelM,
    altMslM: v.altMslM,
    headingDeg: v.headingDeg,
    groundSpeedMps: v.groundSpeedMps,
    batteryPct: v.batteryPct,
    batteryV: v.batteryV,
    gpsFixType: v.gpsFixType,
    satellites: v.satellites,
    missionSeq: v.mission.currentSeq,
    missionTotal: v.mission.total,
    missionState: v.mission.state,
    link: v.link.id,
    linkLossPct: Math.round(v.link.lossPct * 10) / 10,
    lastStatusText: v.statusTexts.at(-1)?.text ?? null,
  };
}

const fmt = (x: number | null, digits = 1) => (x === null ? '-' : x.toFixed(digits));

/** A fixed-width table of the fleet, for terminals. */
export function statusTable(vehicles: VehicleSnapshot[]): string {
  const header = [
    'SYS',
    'AUTOPILOT',
    'LINK',
    'MODE',
    'ARMED',
    'STATE',
    'LAT',
    'LON',
    'ALT(m)',
    'GS(m/s)',
    'BAT%',
    'GPS',
    'LOSS%',
  ];
  const rows = vehicles.map((v) => [
    String(v.sysid),
    v.autopilot,
    v.online ? 'online' : 'LOST',
    v.mode,
    v.armed ? 'ARMED' : 'no',
    v.landed === null ? '?' : v.landed ? 'ground' : 'air',
    fmt(v.lat, 6),
    fmt(v.lon, 6),
    fmt(v.altRelM),
    fmt(v.groundSpeedMps),
    fmt(v.batteryPct, 0),
    `${v.gpsFixType >= 3 ? '3D' : v.gpsFixType === 2 ? '2D' : 'no'}/${v.satellites ?? '-'}`,
    fmt(v.link.lossPct),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

export function registerCommands(program: Command): void {
  registerBridgeCommand(program);
  addLinkOptions(
    program
      .command('status')
      .description('show every vehicle on the link(s): a live table, or one JSON snapshot with --json'),
    LINK_HELP,
  )
    .option('--json', 'wait, print one JSON array (one object per vehicle) and exit')
    .addOption(
      new Option('--wait <seconds>', 'with --json: how long to listen first')
        .default(5)
        .argParser(positiveArg('--wait')),
    )
    .action(async (opts: LinkCliOptions & { json?: boolean; wait: number }) => {
      const running = await open(opts);
      try {
        if (opts.json) {
          await new Promise((r) => setTimeout(r, opts.wait * 1000));
          const vehicles = running.bridge.vehicles();
          process.stdout.write(`${JSON.stringify(vehicles.map(statusRow))}\n`);
          if (vehicles.length === 0) {
            process.stderr.write(
              `aerie status: no vehicle heard on ${opts.link.join(', ')} within ${opts.wait} s\n`,
            );
            process.exitCode = 1;
          }
          return;
        }
        const tty = process.stdout.isTTY;
        const draw = () => {
          const table = statusTable(running.bridge.vehicles());
          const stamp = new Date().toISOString().slice(11, 19);
          const text = `Aerie fleet status ${stamp}  (links: ${opts.link.join(', ')}; Ctrl-C to quit)\n${table}\n`;
          process.stdout.write(tty ? `\x1b[H\x1b[2J${text}` : `${text}\n`);
        };
        const timer = setInterval(draw, tty ? 1000 : 5000);
        draw();
        await untilSignal();
        clearInterval(timer);
      } finally {
        await running.close();
      }
    });

  addLinkOptions(
    program
      .command('field-test')
      .description(
        'upload a plan to one vehicle, arm, fly it to landing and disarm, with a live timeline and a summary (exit 0 on success)',
      ),
    LINK_HELP,
  )
    .requiredOption('--plan <file>', 'QGroundControl .plan, GeoJSON, KML or Aerie route JSON')
    .option('--sysid <n>', 'the vehicle to fly (default: the first one heard)', sysidArg)
    .option('--json', 'print the summary as JSON on the last line')
    .addOption(
      new Option('--timeout <seconds>', 'give up when the flight has not ended after this long')
        .default(1800)
        .argParser(positiveArg('--timeout')),
    )
    .addOption(
      new Option('--connect-timeout <seconds>', 'how long to wait for the vehicle')
        .default(15)
        .argParser(positiveArg('--connect-timeout')),
    )
    .addOption(
      new Option('--ceiling <metres>', 'altitude ceiling above home for validation').argParser(
        positiveArg('--ceiling'),
      ),
    )
    .action(
      async (
        opts: LinkCliOptions & {
          plan: string;
          sysid?: number;
          json?: boolean;
          timeout: number;
          connectTimeout: number;
          ceiling?: number;
        },
      ) => {
        let planText: string;
        try {
          planText = readFileSync(opts.plan, 'utf8');
        } catch (err) {
          throw new Error(`--plan: cannot read '${opts.plan}': ${(err as Error).message}`);
        }
        const running = await open(opts);
        const abort = new Promise<'interrupted'>((resolve) =>
          untilSignal().then(() => resolve('interrupted')),
        );
        try {
          const result = await Promise.race([
            runFieldTest({
              bridge: running.bridge,
              planText,
              planName: basename(opts.plan),
              ...(opts.sysid !== undefined ? { sysid: opts.sysid } : {}),
              connectTimeoutMs: opts.connectTimeout * 1000,
              flightTimeoutMs: opts.timeout * 1000,
              ...(opts.ceiling !== undefined ? { ceilingM: opts.ceiling } : {}),
              onLine: (line) => process.stdout.write(`${line}\n`),
            }),
            abort,
          ]);
          if (result === 'interrupted') {
            const outcome = await linkLossOutcome(running.bridge, opts.sysid);
            process.stderr.write(`aerie field-test: interrupted; ${outcome.text}\n`);
            process.exitCode = 130;
            return;
          }
          if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
          process.exitCode = result.ok
            ? 0
            : result.error?.code === 'BadPlan' || result.error?.code === 'PlanRejected'
              ? 2
              : 1;
        } finally {
          await running.close();
        }
      },
    );
}
