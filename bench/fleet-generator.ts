/**
 * Load generator for the fleet benchmark (its own process, so it does not share the bridge's
 * core): N simulated vehicles, each sending GLOBAL_POSITION_INT and ATTITUDE at RATE Hz and
 * HEARTBEAT at 1 Hz over UDP, spread evenly in time. GLOBAL_POSITION_INT.time_boot_ms carries
 * the send time (ms since BASE) so the receiver can measure latency.
 * argv: ports(comma-separated) vehiclesPerPort rateHz durationS baseEpochMs
 */
import dgram from 'node:dgram';
import { common, MavLinkProtocolV2, minimal } from 'node-mavlink';

const [portsArg, perPortArg, rateArg, durationArg, baseArg] = process.argv.slice(2);
const ports = portsArg!.split(',').map(Number);
const perPort = Number(perPortArg);
const rate = Number(rateArg);
const durationMs = Number(durationArg) * 1000;
const base = Number(baseArg);

const socket = dgram.createSocket('udp4');
interface Sim {
  port: number;
  protocol: MavLinkProtocolV2;
  seq: number;
  gpi: InstanceType<typeof common.GlobalPositionInt>;
  att: InstanceType<typeof common.Attitude>;
}
const sims: Sim[] = [];
for (const port of ports)
  for (let i = 0; i < perPort; i++)
    sims.push({
      port,
      protocol: new MavLinkProtocolV2(i + 1, 1),
      seq: 0,
      gpi: Object.assign(new common.GlobalPositionInt(), {
        lat: 230300000 + i * 1000,
        lon: 1131400000,
        alt: 40000,
        relativeAlt: 30000,
        vx: 500,
        vy: 0,
        vz: 0,
        hdg: 9000,
      }),
      att: Object.assign(new common.Attitude(), {
        roll: 0,
        pitch: 0,
        yaw: 1.5,
        rollspeed: 0,
        pitchspeed: 0,
        yawspeed: 0,
      }),
    });
const hb = Object.assign(new minimal.Heartbeat(), {
  type: 2,
  autopilot: 12,
  baseMode: 0x9d,
  customMode: 0x04040000,
  systemStatus: 4,
  mavlinkVersion: 3,
});

const send = (s: Sim, buf: Buffer) => {
  socket.send(buf, s.port, '127.0.0.1');
  s.seq = (s.seq + 1) & 0xff;
};
let sent = 0;
const start = Date.now();
const periodMs = 1000 / rate;
let tick = 0;
// Every 5 ms a slice of the fleet sends, so N vehicles at RATE Hz arrive evenly spread.
const slices = Math.max(1, Math.round(periodMs / 5));
const timer = setInterval(() => {
  const now = Date.now();
  if (now - start > durationMs) {
    clearInterval(timer);
    process.stdout.write(`${JSON.stringify({ sent })}\n`);
    socket.close();
    return;
  }
  const slice = tick % slices;
  const heartbeatRound = tick % (slices * rate) < slices;
  for (let i = slice; i < sims.length; i += slices) {
    const s = sims[i]!;
    s.gpi.timeBootMs = Date.now() - base;
    s.att.timeBootMs = s.gpi.timeBootMs;
    send(s, s.protocol.serialize(s.gpi, s.seq));
    send(s, s.protocol.serialize(s.att, s.seq));
    if (heartbeatRound) send(s, s.protocol.serialize(hb, s.seq));
    sent++;
  }
  tick++;
}, 5);
