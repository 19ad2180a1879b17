import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { common, minimal } from 'node-mavlink';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { type DecodedMessage, FrameDecoder, FrameEncoder } from './codec.ts';
import { startVehicle } from './fleet.ts';
import { commandLong } from './testing/ground-station.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function ptyPair(): Promise<{ a: string; b: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'aerie-sim-pty-'));
  const a = join(dir, 'vehicle');
  const b = join(dir, 'ground');
  const child: ChildProcess = spawn(
    '/usr/bin/socat',
    [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`],
    {
      stdio: 'ignore',
    },
  );
  cleanup.push(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await rm(dir, { recursive: true, force: true });
  });
  const until = performance.now() + 5000;
  while (!(existsSync(a) && existsSync(b))) {
    if (child.exitCode !== null) throw new Error(`socat exited with ${child.exitCode}`);
    if (performance.now() > until) throw new Error('socat made no pty pair within 5 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  return { a, b };
}

describe('serial link', () => {
  it('exchanges heartbeats and commands over a socat pty pair', async () => {
    const { a, b } = await ptyPair();
    const v = await startVehicle({ serialPath: a, baudRate: 115200, speedup: 10, sysid: 5, settleS: 0 });
    cleanup.push(() => v.close());
    expect(v.endpoint).toBe(`serial:${a}`);
    expect(v.port).toBeUndefined();

    const ground = new SerialPort({ path: b, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => ground.open((err) => (err ? reject(err) : resolve())));
    const got: DecodedMessage[] = [];
    const decoder = new FrameDecoder((m) => got.push(m));
    ground.on('data', (buf: Buffer) => decoder.push(buf));
    cleanup.push(async () => {
      decoder.close();
      await new Promise<void>((resolve) => ground.close(() => resolve()));
    });

    const until = async (check: () => boolean, what: string) => {
      const end = performance.now() + 5000;
      while (!check()) {
        if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await until(() => got.some((m) => m.message instanceof minimal.Heartbeat), 'a heartbeat');
    const hb = got.find((m) => m.message instanceof minimal.Heartbeat)!;
    expect([hb.sysid, hb.compid]).toEqual([5, 1]);
    expect((hb.message as minimal.Heartbeat).autopilot).toBe(12);

    const enc = new FrameEncoder(255, 190);
    const gcsHb = new minimal.Heartbeat();
    gcsHb.type = 6;
    gcsHb.autopilot = 8;
    ground.write(enc.encode(gcsHb));
    ground.write(enc.encode(commandLong(400, [1], 5)));
    await until(() => got.some((m) => m.message instanceof common.CommandAck), 'COMMAND_ACK');
    const ack = got.find((m) => m.message instanceof common.CommandAck)!.message as common.CommandAck;
    expect([ack.command, ack.result, ack.targetSystem]).toEqual([400, 0, 255]);
    expect(v.armed).toBe(true);
  });
});
