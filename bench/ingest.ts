/**
 * Ingest: the bridge's decode plus vehicle-state update, in messages per second on one core,
 * against bare node-mavlink parsing (MavLinkPacketSplitter + MavLinkPacketParser + payload
 * decode) of the same recorded stream in the same run.
 */
import { Bridge, bridgeConnection, createMemoryLinkPair, MavlinkConnection } from '@aerie/gcs-bridge';
import {
  ardupilotmega,
  common,
  MavLinkPacketParser,
  MavLinkPacketSplitter,
  minimal,
  standard,
} from 'node-mavlink';
import { type BenchEntry, px4Stream, round } from './lib.ts';

const REGISTRY = { ...minimal.REGISTRY, ...common.REGISTRY, ...standard.REGISTRY, ...ardupilotmega.REGISTRY };

/** Bare node-mavlink on the same bytes, fed as they came (one packet per write) or in 64 KiB blocks: the faster counts. */
async function bareNodeMavlink(chunks: Buffer[], blocks: Buffer[]): Promise<number> {
  return Math.max(
    await bareNodeMavlinkOn(chunks, chunks.length),
    await bareNodeMavlinkOn(blocks, chunks.length),
  );
}

async function bareNodeMavlinkOn(chunks: Buffer[], packets: number): Promise<number> {
  const splitter = new MavLinkPacketSplitter();
  const parser = splitter.pipe(new MavLinkPacketParser());
  let n = 0;
  parser.on('data', (p) => {
    const clazz = REGISTRY[p.header.msgid];
    if (clazz) p.protocol.data(p.payload, clazz);
    n++;
  });
  const done = new Promise<void>((r) => parser.on('end', () => r()));
  parser.resume();
  const t0 = performance.now();
  for (const c of chunks) splitter.write(c);
  splitter.end();
  await done;
  const s = (performance.now() - t0) / 1000;
  if (n !== packets) throw new Error(`node-mavlink parsed ${n} of ${packets} packets`);
  return n / s;
}

async function bridgeIngest(chunks: Buffer[]): Promise<number> {
  const [link] = createMemoryLinkPair();
  const connection = new MavlinkConnection(link);
  const bridge = new Bridge({ connections: [bridgeConnection(connection)] });
  await bridge.start();
  let n = 0;
  connection.onMessage(() => n++);
  const t0 = performance.now();
  for (const c of chunks) connection.receive(c);
  const s = (performance.now() - t0) / 1000;
  await bridge.stop();
  if (n !== chunks.length) throw new Error(`the bridge decoded ${n} of ${chunks.length} packets`);
  if (bridge.vehicles().length === 0) throw new Error('the bridge built no vehicle state');
  return n / s;
}

export async function benchIngest(): Promise<BenchEntry[]> {
  const chunks = px4Stream(50, 60);
  const whole = Buffer.concat(chunks);
  const blocks: Buffer[] = [];
  for (let i = 0; i < whole.length; i += 65536) blocks.push(whole.subarray(i, i + 65536));
  const bare: number[] = [];
  const ours: number[] = [];
  for (let i = 0; i < 5; i++) {
    bare.push(await bareNodeMavlink(chunks, blocks));
    ours.push(await bridgeIngest(chunks));
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const b = median(bare);
  const o = median(ours);
  const note = `${chunks.length} packets (50 PX4 vehicles, 60 s at default rates), the bridge fed one packet per chunk, node-mavlink the faster of that and 64 KiB blocks; median of 5`;
  return [
    {
      name: 'ingest: node-mavlink splitter+parser+decode',
      value: Math.round(b),
      unit: 'msg/s',
      target: 'baseline',
      met: true,
      note,
    },
    {
      name: 'ingest: bridge decode + state update',
      value: Math.round(o),
      unit: 'msg/s',
      target: '-',
      met: true,
      note,
    },
    {
      name: 'ingest: ratio bridge / node-mavlink',
      value: round(o / b),
      unit: 'x',
      target: '>= 0.8',
      met: o / b >= 0.8,
      note,
    },
  ];
}
