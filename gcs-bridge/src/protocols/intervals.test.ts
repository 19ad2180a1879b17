import type { MavLinkData } from 'node-mavlink';
import { common } from 'node-mavlink';
import { describe, expect, it, vi } from 'vitest';
import {
  initialRequestMessageState,
  intervalUsFromHz,
  requestMessage,
  requestMessageStep,
  setMessageInterval,
} from './intervals.ts';
import type { ProtocolEvent } from './machine.ts';
import { simPerTest } from './testing/sim-per-test.ts';

const target = { sysid: 1, compid: 1 };

function ack(command: number, result: number): common.CommandAck {
  const m = new common.CommandAck();
  m.command = command;
  m.result = result;
  m.progress = 255;
  m.resultParam2 = 0;
  return m;
}

function homePosition(): common.HomePosition {
  const h = new common.HomePosition();
  h.latitude = 300000000;
  h.longitude = 1200000000;
  h.altitude = 12000;
  return h;
}

describe('message intervals and requests, against the simulator (PX4)', () => {
  const sim = simPerTest(30_000);
  const { settle } = sim;
  const setup = () => sim.open({ flavour: 'px4' });

  const home = () => Math.round(sim.peer()!.vehicle.homePosition.lat * 1e7);

  it('converts Hz to an interval in microseconds', () => {
    expect(intervalUsFromHz(4)).toBe(250_000);
    expect(intervalUsFromHz(50)).toBe(20_000);
    expect(() => intervalUsFromHz(0)).toThrow(/intervalUs -1/);
  });

  it('sets a rate with MAV_CMD_SET_MESSAGE_INTERVAL (the vehicle then streams at it)', async () => {
    const p = await setup();
    const r = await settle(
      setMessageInterval(p.port, { target, messageId: common.Attitude.MSG_ID, hz: 10 }),
      1000,
    );
    expect(r.ok).toBe(true);
    const [cmd] = p.sent(common.CommandLong);
    expect([cmd?.command, cmd?._param1, cmd?._param2]).toEqual([511, common.Attitude.MSG_ID, 100_000]);
    const attitudes = p.link.messages('down', common.Attitude).length;
    expect(attitudes).toBeGreaterThanOrEqual(9);
    expect(attitudes).toBeLessThanOrEqual(11);
  });

  it('passes -1 (stop) through and surfaces a refusal (PX4: MISSION_CURRENT answers FAILED)', async () => {
    const p = await setup();
    const stop = await settle(setMessageInterval(p.port, { target, messageId: 30, intervalUs: -1 }));
    expect(stop.ok).toBe(true);
    expect(p.sent(common.CommandLong)[0]?._param2).toBe(-1);
    const refused = await settle(
      setMessageInterval(p.port, { target, messageId: common.MissionCurrent.MSG_ID, hz: 5 }),
    );
    expect(refused.ok ? undefined : refused.error).toMatchObject({
      code: 'Failed',
      detail: { mavResult: 4 },
    });
    const bad = await setMessageInterval(p.port, { target, messageId: 30, hz: -3 });
    expect(bad.ok ? undefined : bad.error.code).toBe('InvalidRequest');
  });

  it('requestMessage resolves with the message (typed by its class)', async () => {
    const p = await setup();
    const r = await settle(requestMessage(p.port, { target, message: common.HomePosition }));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value).toBeInstanceOf(common.HomePosition);
      expect(r.value.latitude).toBe(home());
    }
    const [cmd] = p.sent(common.CommandLong);
    expect([cmd?.command, cmd?._param1]).toEqual([512, common.HomePosition.MSG_ID]);
  });

  it('ACK first and message later works too; messages from other systems do not count', async () => {
    const p = await setup();
    p.link.faults.delay('down', common.HomePosition, 200, { where: (_m, f) => f.sysid === 1 });
    const pending = requestMessage(p.port, { target, message: common.HomePosition.MSG_ID });
    await vi.advanceTimersByTimeAsync(100);
    p.link.inject('down', homePosition(), { sysid: 2, compid: 1 });
    const r = await settle(pending, 300);
    expect(r.ok && (r.value as common.HomePosition).latitude).toBe(home());
    expect(p.sent(common.CommandLong)).toHaveLength(1);
  });

  it('a message lost after an accepted request is requested again', async () => {
    const p = await setup();
    p.link.faults.drop('down', common.HomePosition, { first: 1 });
    const r = await settle(requestMessage(p.port, { target, message: common.HomePosition }));
    expect(r.ok).toBe(true);
    expect(p.sent(common.CommandLong)).toHaveLength(2);
  });

  it('gives up with Timeout when the message never comes', async () => {
    const p = await setup();
    p.link.faults.drop('down', common.HomePosition);
    const r = await settle(
      requestMessage(p.port, { target, message: common.HomePosition, messageRetries: 1 }),
    );
    expect(r.ok ? undefined : r.error).toMatchObject({
      code: 'Timeout',
      detail: { acked: true, requests: 2 },
    });
  });

  it('surfaces the refusal of a message the vehicle does not provide (DENIED)', async () => {
    const p = await setup();
    const r = await settle(requestMessage(p.port, { target, message: common.RawImu }));
    expect(r.ok ? undefined : r.error.code).toBe('Denied');
  });
});

describe('requestMessageStep (pure)', () => {
  const ev = (message: MavLinkData, sysid = 1): ProtocolEvent => ({
    kind: 'message',
    now: 0,
    inbound: {
      sysid,
      compid: 1,
      msgid: (message.constructor as unknown as { MSG_ID: number }).MSG_ID,
      message,
      linkId: 't',
      receivedAt: 0,
    },
  });

  it('sends REQUEST_MESSAGE, waits after ACCEPTED, re-requests on timeout, completes on the message', () => {
    const s0 = initialRequestMessageState({ target, message: common.HomePosition });
    const first = requestMessageStep(s0, { kind: 'started', now: 0 });
    const cmd = first.effects.find((e) => e.kind === 'send');
    expect(cmd?.kind === 'send' && (cmd.message as common.CommandLong)._param1).toBe(
      common.HomePosition.MSG_ID,
    );
    const accepted = requestMessageStep(first.state, ev(ack(512, 0)));
    expect(accepted.state.phase).toBe('awaitingMessage');
    expect(accepted.effects.at(-1)).toEqual({ kind: 'setTimer', ms: 1500 });
    const again = requestMessageStep(accepted.state, { kind: 'timeout', now: 0 });
    expect(again.state.phase).toBe('commanding');
    expect(again.effects.some((e) => e.kind === 'send')).toBe(true);
    expect(requestMessageStep(again.state, ev(homePosition(), 9)).state).toBe(again.state);
    const got = requestMessageStep(again.state, ev(homePosition()));
    expect(got.effects.at(-1)).toMatchObject({ kind: 'done', result: { ok: true } });
  });
});
