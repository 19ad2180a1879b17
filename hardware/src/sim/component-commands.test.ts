import { common } from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import type { ComponentCommand } from './camera-trigger.ts';
import { FrameDecoder, FrameEncoder } from './codec.ts';
import { COMMAND_RETRIES, COMMAND_TIMEOUT_MS, ComponentCommandSender } from './component-commands.ts';
import { command, sleep, until } from './testing/ground-station.ts';
import { vehicleWithGcs } from './testing/vehicle-gcs.ts';

const shot = (seq: number): ComponentCommand => ({
  targetComponent: 100,
  command: 2000,
  params: [0, 0, 1, seq, Number.NaN, Number.NaN, Number.NaN],
});

function recorder() {
  const sent: [number, number][] = [];
  const sender = new ComponentCommandSender((c, confirmation) => sent.push([c.params[3], confirmation]));
  return { sent, sender };
}

describe('commands to a component, resent as PX4 MavlinkCommandSender does', () => {
  it('resends after 500 ms without an ack, confirmation counting up, three times, then drops it', () => {
    const { sent, sender } = recorder();
    sender.send(shot(1), 0);
    sender.check(COMMAND_TIMEOUT_MS);
    expect(sent).toEqual([[1, 0]]);
    for (let k = 1; k <= 6; k++) sender.check(k * (COMMAND_TIMEOUT_MS + 1));
    expect(sent).toEqual([
      [1, 0],
      [1, 1],
      [1, 2],
      [1, 3],
    ]);
    expect(COMMAND_RETRIES).toBe(3);
    expect(sender.pending).toBe(0);
  });

  it('stops on an ack from the target for that command, whatever its result, and not on others', () => {
    const { sent, sender } = recorder();
    sender.send(shot(1), 0);
    expect(sender.acked(2001, 100)).toBe(false);
    expect(sender.acked(2000, 101)).toBe(false);
    sender.check(600);
    expect(sender.acked(2000, 100)).toBe(true);
    sender.check(1200);
    sender.check(1800);
    expect(sent).toEqual([
      [1, 0],
      [1, 1],
    ]);
  });

  it('keeps three commands in flight: a fourth replaces the oldest', () => {
    const { sent, sender } = recorder();
    for (let seq = 1; seq <= 4; seq++) sender.send(shot(seq), 0);
    expect(sender.pending).toBe(3);
    sender.check(COMMAND_TIMEOUT_MS + 1);
    expect(sent.slice(4)).toEqual([
      [2, 1],
      [3, 1],
      [4, 1],
    ]);
  });
});

describe('the simulated autopilot and a camera that drops a command', () => {
  it('resends IMAGE_START_CAPTURE the camera did not acknowledge, until it does', async () => {
    const { gcs, v } = await vehicleWithGcs({ speedup: 40, settleS: 0 });
    // A camera component (100) that ignores the first command it hears and acknowledges the rest.
    const heard: number[] = [];
    const encoder = new FrameEncoder(v.sysid, 100);
    const link = v.shareLink((buf) => decoder.push(buf));
    const decoder = new FrameDecoder((d) => {
      const m = d.message;
      if (!(m instanceof common.CommandLong) || m.targetComponent !== 100) return;
      heard.push(m.confirmation);
      if (heard.length === 1) return;
      const ack = new common.CommandAck();
      ack.command = m.command;
      ack.result = 0 as common.MavResult;
      ack.progress = 0;
      ack.resultParam2 = 0;
      ack.targetSystem = d.sysid;
      ack.targetComponent = d.compid;
      link.write(encoder.encode(ack));
    });
    try {
      // DO_SET_CAM_TRIGG_DIST with param3 1: one shot now.
      expect(await command(gcs, 206, [0, 0, 1])).toBe(0);
      await until(() => heard.length === 2, 3000, 'the command resent');
      // Resent once with confirmation 1, then acknowledged: no more sends.
      await sleep(3 * COMMAND_TIMEOUT_MS);
      expect(heard).toEqual([0, 1]);
      expect(v.cameraTriggerCount).toBe(1);
    } finally {
      link.detach();
      decoder.close();
    }
  }, 20_000);
});
