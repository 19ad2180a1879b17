/**
 * The console side of the fan-out benchmark, in its own process so that browsers' parsing
 * does not share the server's event loop: N Socket.IO clients on `/console`, each focusing a
 * few vehicles, reporting how old each state is when it arrives (receipt time minus the
 * state's `updatedAtMs`, which the server's LiveStateStore stamps on receipt from the bridge).
 *
 * Parent -> child messages: { url (or urls: client k connects to urls[k % n]), token, clients,
 * focusPerClient, vehicleIds }, then
 * 'measure', then 'report'. Child -> parent: 'ready', then { focused: number[], fleet: number[],
 * ingest: number[], dropped, lost, cpuMs, loopDelayP99Ms } (`ingest`: with since 'bridge', the part
 * of each focused age before the server's receipt; `cpuMs` and `loopDelayP99Ms`: this process's
 * CPU time and event-loop delay while measuring, to tell whether the consoles keep up).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type ConsoleFleetRow, decodeFleetRow } from '@aerie/contracts';
import { io as connect, type Socket } from 'socket.io-client';

export interface Setup {
  url?: string;
  /** Several server nodes: the clients are spread over them evenly. */
  urls?: string[];
  token: string;
  clients: number;
  /**
   * The index of this process's first console among all the benchmark's consoles (when they are
   * spread over several processes), so that console k connects and focuses as in one process.
   */
  first?: number;
  focusPerClient: number;
  vehicleIds: string[];
  /**
   * Age from when: 'store' (default), the server's receipt in its live store; 'bridge', the
   * bridge's own stamp in the state (`state.updatedAtMs`), so the age covers ingest and the hop
   * between server nodes too.
   */
  since?: 'store' | 'bridge';
}

type Item = { vehicleId: string; updatedAtMs: number | null; state?: { updatedAtMs?: number } | null };

let since: Setup['since'] = 'store';
const stampOf = (i: Item): number | null =>
  since === 'bridge' ? (i.state?.updatedAtMs ?? null) : i.updatedAtMs;

const focused: number[] = [];
const fleet: number[] = [];
const ingest: number[] = [];
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
let cpuAtStart = process.cpuUsage();
let measuring = false;
const sockets: Socket[] = [];
let connected = 0;
/** Sockets lost during setup and opened again. */
let dropped = 0;

async function setup(s: Setup): Promise<void> {
  since = s.since ?? 'store';
  // In waves of 25: all at once, some sign-ins on a loaded machine outlast Socket.IO's connect timeouts.
  const one = async (k: number, attempt = 1): Promise<void> => {
    const urls = s.urls ?? [s.url!];
    const global = (s.first ?? 0) + k;
    const socket = connect(urls[global % urls.length]!, {
      transports: ['websocket'],
      auth: { token: s.token },
      reconnection: false,
      // Sign-in of 200 consoles at once on a loaded 2-core machine can take longer than 20 s.
      timeout: 120_000,
    });
    sockets.push(socket);
    socket.on('vehicle.state', (item: Item) => {
      const at = stampOf(item);
      if (!measuring || at === null) return;
      focused.push(Date.now() - at);
      if (since === 'bridge' && item.updatedAtMs !== null) ingest.push(item.updatedAtMs - at);
    });
    socket.on('fleet.state', (rows: ConsoleFleetRow[]) => {
      // Decoded as the console does, measuring or not: it is part of every console's load.
      const items = rows.map(decodeFleetRow);
      if (!measuring) return;
      const now = Date.now();
      for (const i of items) if (i.updatedAtMs !== null) fleet.push(now - i.updatedAtMs);
      // (Fleet items carry only the fleet fields, not the bridge's stamp: their age is the store's.)
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (e) =>
          reject(new Error(`console ${k} could not connect: ${e.message}`)),
        );
      });
      for (let j = 0; j < s.focusPerClient; j++) {
        const vehicleId = s.vehicleIds[(global * s.focusPerClient + j) % s.vehicleIds.length]!;
        const ack = (await socket.timeout(60_000).emitWithAck('vehicle.focus', { vehicleId })) as {
          ok: boolean;
        };
        if (!ack.ok) throw new Error(`focus refused: ${JSON.stringify(ack)}`);
      }
    } catch (err) {
      // On a loaded machine the server may drop a socket whose pong came late: a fresh one, twice.
      socket.disconnect();
      sockets.splice(sockets.indexOf(socket), 1);
      if (attempt >= 3 || String(err).includes('refused')) throw err;
      dropped++;
      return one(k, attempt + 1);
    }
    connected++;
  };
  for (let k = 0; k < s.clients; k += 25)
    await Promise.all(Array.from({ length: Math.min(25, s.clients - k) }, (_, j) => one(k + j)));
}

process.on('message', (m: unknown) => {
  if (m === 'measure') {
    measuring = true;
    cpuAtStart = process.cpuUsage();
    loopDelay.enable();
  } else if (m === 'report') {
    measuring = false;
    loopDelay.disable();
    const cpu = process.cpuUsage(cpuAtStart);
    // No exit of its own: leaving at once could beat this message to the parent, which ends
    // this process once it has the report.
    process.send!({
      focused,
      fleet,
      ingest,
      dropped,
      lost: sockets.filter((x) => !x.connected).length,
      cpuMs: (cpu.user + cpu.system) / 1000,
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    });
    for (const s of sockets) s.disconnect();
  } else {
    setup(m as Setup).then(
      () => process.send!('ready'),
      (err: unknown) => {
        process.stderr.write(`fanout clients: ${String(err)} (${connected} connected)\n`);
        process.exit(1);
      },
    );
  }
});

// Ended by the bench with SIGTERM: exit as a normal end, so a `--cpu-prof` profile is written.
process.on('SIGTERM', () => process.exit(0));
