import { common, type MavLinkData, minimal, standard } from 'node-mavlink';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FrameDecoder, FrameEncoder } from '../codec.ts';
import { startVehicle } from '../fleet.ts';
import type { SimVehicle } from '../vehicle.ts';
import { MemoryLink, splitFrames } from './memory-link.ts';

const ground = new FrameEncoder(245, 190);

function cmd(command: number, confirmation = 0): common.CommandLong {
  const m = new common.CommandLong();
  m.targetSystem = 1;
  m.targetComponent = 1;
  m.command = command;
  m.confirmation = confirmation;
  return m;
}

/** What arrives at the vehicle end, decoded. */
function arrivals(link: MemoryLink): MavLinkData[] {
  const got: MavLinkData[] = [];
  const decoder = new FrameDecoder((d) => got.push(d.message));
  link.vehicle.onData((buf) => decoder.push(buf));
  return got;
}

const commands = (got: MavLinkData[]) =>
  got.filter((m) => m instanceof common.CommandLong).map((m) => (m as common.CommandLong).command);

describe('memory link fault rules', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('delivers asynchronously and in order when no rule applies; records the traffic', async () => {
    const link = new MemoryLink();
    const got = arrivals(link);
    for (const c of [1, 2, 3]) link.ground.write(ground.encode(cmd(c)));
    expect(got).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(commands(got)).toEqual([1, 2, 3]);
    expect(link.traffic.map((r) => [r.dir, r.fate, r.sysid])).toEqual([
      ['up', 'delivered', 245],
      ['up', 'delivered', 245],
      ['up', 'delivered', 245],
    ]);
  });

  it('drops the Nth message of a type only, counting matches of `where`', async () => {
    const link = new MemoryLink();
    const got = arrivals(link);
    link.faults.drop('up', common.CommandLong, { nth: 2, where: (m: common.CommandLong) => m.command >= 10 });
    for (const c of [1, 10, 2, 11, 12]) link.ground.write(ground.encode(cmd(c)));
    await vi.advanceTimersByTimeAsync(0);
    expect(commands(got)).toEqual([1, 10, 2, 12]);
    expect(link.messages('up', common.CommandLong, true).map((m) => m.command)).toEqual([1, 10, 2, 12]);
  });

  it('duplicates, delays and reorders', async () => {
    const link = new MemoryLink();
    const got = arrivals(link);
    link.faults
      .duplicate('up', common.CommandLong, { where: (m: common.CommandLong) => (m.command as number) === 1 })
      .delay('up', common.CommandLong, 100, { where: (m: common.CommandLong) => (m.command as number) === 2 })
      .reorder('up', common.CommandLong, { where: (m: common.CommandLong) => (m.command as number) === 3 });
    for (const c of [1, 2, 3, 4]) link.ground.write(ground.encode(cmd(c)));
    await vi.advanceTimersByTimeAsync(0);
    expect(commands(got)).toEqual([1, 1, 4, 3]);
    await vi.advanceTimersByTimeAsync(100);
    expect(commands(got)).toEqual([1, 1, 4, 3, 2]);
  });

  it('rewrites a message (same sender and sequence) and injects one from another system', async () => {
    const link = new MemoryLink();
    const got: { sysid: number; seq: number; message: MavLinkData }[] = [];
    const decoder = new FrameDecoder((d) => got.push(d));
    link.vehicle.onData((buf) => decoder.push(buf));
    const gcs = new FrameEncoder(245, 190);
    link.faults.rewrite('up', common.CommandLong, (m: common.CommandLong) => [cmd(m.command + 100)], {
      first: 1,
    });
    link.ground.write(gcs.encode(cmd(5)));
    link.ground.write(gcs.encode(cmd(6)));
    link.inject('up', cmd(7), { sysid: 9, compid: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(got.map((d) => [d.sysid, d.seq, (d.message as common.CommandLong).command])).toEqual([
      [245, 0, 105],
      [245, 1, 6],
      [9, 0, 7],
    ]);
  });

  it('a lossy rule drops by the given random source and can spare frames', async () => {
    const link = new MemoryLink();
    const got = arrivals(link);
    let n = 0;
    link.faults.lossy(
      'up',
      0.5,
      () => (n++ % 2 === 0 ? 0.1 : 0.9),
      undefined,
      (f) => f.msgid === 0,
    );
    for (const c of [1, 2, 3, 4]) link.ground.write(ground.encode(cmd(c)));
    link.ground.write(ground.encode(new minimal.Heartbeat()));
    await vi.advanceTimersByTimeAsync(0);
    expect(commands(got)).toEqual([2, 4]);
    expect(got.some((m) => m instanceof minimal.Heartbeat)).toBe(true);
  });

  it('splits a write holding several frames and passes garbage through untouched', () => {
    const a = ground.encode(cmd(1));
    const b = ground.encode(cmd(2));
    expect(splitFrames(Buffer.concat([a, b]))).toEqual([a, b]);
    const junk = Buffer.from([1, 2, 3]);
    expect(splitFrames(Buffer.concat([a, junk]))).toEqual([a, junk]);
  });
});

describe('a simulated vehicle on a memory link (no sockets)', () => {
  let vehicle: SimVehicle | undefined;
  afterEach(async () => {
    await vehicle?.close();
    vehicle = undefined;
  });

  it('answers a command and a message request, and sees a dropped command never', async () => {
    const link = new MemoryLink();
    const got: MavLinkData[] = [];
    const decoder = new FrameDecoder((d) => got.push(d.message));
    link.ground.onData((buf) => decoder.push(buf));
    vehicle = await startVehicle({ link: link.vehicle, settleS: 0, rates: { heartbeat: 0 } });
    expect(vehicle.endpoint).toBe('memory:vehicle');
    link.faults.drop('up', common.CommandLong, { nth: 1 });
    const request = cmd(520);
    request._param1 = 1;
    link.ground.write(ground.encode(request));
    link.ground.write(ground.encode(request));
    await vi.waitFor(() => expect(got.some((m) => m instanceof standard.AutopilotVersion)).toBe(true));
    const acks = got.filter((m) => m instanceof common.CommandAck) as common.CommandAck[];
    expect(acks.map((a) => [a.command, a.result, a.targetSystem])).toEqual([[520, 0, 245]]);
    expect(link.traffic.filter((r) => r.dir === 'up').map((r) => r.fate)).toEqual(['dropped', 'delivered']);
  });
});
