import type { MavLinkData } from 'node-mavlink';
import { common, minimal } from 'node-mavlink';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  initialRequestMessageState,
  intervalUsFromHz,
  requestMessage,
  requestMessageStep,
  setMessageInterval,
} from './intervals.ts';
import type { ProtocolEvent } from './machine.ts';
import { all, FakeLink, firstN } from './testing/fake-link.ts';

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

/** Answers REQUEST_MESSAGE the way PX4 does: the message first, then the ACK. */
function vehicle(link: FakeLink, opts: { answer?: (cmd: common.CommandLong) => MavLinkData[] } = {}) {
  const tx = link.attachVehicle((m) => {
    if (!(m instanceof common.CommandLong)) return;
    const replies =
      opts.answer?.(m) ??
      (m.command === 512 && m._param1 === common.HomePosition.MSG_ID
        ? [homePosition(), ack(512, 0)]
        : m.command === 511 && m._param1 === common.MissionCurrent.MSG_ID
          ? [ack(511, 4)]
          : [ack(m.command, m.command === 512 ? 3 : 0)]);
    for (const r of replies) tx(1, 1, r);
  });
  return tx;
}

describe('message intervals and requests', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  async function settle<T>(p: Promise<T>, ms = 30_000): Promise<T> {
    await vi.advanceTimersByTimeAsync(ms);
    return p;
  }

  it('converts Hz to an interval in microseconds', () => {
    expect(intervalUsFromHz(4)).toBe(250_000);
    expect(intervalUsFromHz(50)).toBe(20_000);
    expect(() => intervalUsFromHz(0)).toThrow(/intervalUs -1/);
  });

  it('sets a rate with MAV_CMD_SET_MESSAGE_INTERVAL', async () => {
    const link = new FakeLink();
    vehicle(link);
    const r = await settle(
      setMessageInterval(link.port, { target, messageId: common.Attitude.MSG_ID, hz: 10 }),
    );
    expect(r.ok).toBe(true);
    const [cmd] = link.sentOf(common.CommandLong);
    expect([cmd?.command, cmd?._param1, cmd?._param2]).toEqual([511, common.Attitude.MSG_ID, 100_000]);
  });

  it('passes -1 (stop) through and surfaces a refusal (PX4: MISSION_CURRENT answers FAILED)', async () => {
    const link = new FakeLink();
    vehicle(link);
    const stop = await settle(setMessageInterval(link.port, { target, messageId: 30, intervalUs: -1 }));
    expect(stop.ok).toBe(true);
    expect(link.sentOf(common.CommandLong)[0]?._param2).toBe(-1);
    const refused = await settle(
      setMessageInterval(link.port, { target, messageId: common.MissionCurrent.MSG_ID, hz: 5 }),
    );
    expect(refused.ok ? undefined : refused.error).toMatchObject({
      code: 'Failed',
      detail: { mavResult: 4 },
    });
    const bad = await setMessageInterval(link.port, { target, messageId: 30, hz: -3 });
    expect(bad.ok ? undefined : bad.error.code).toBe('InvalidRequest');
  });

  it('requestMessage resolves with the message (typed by its class)', async () => {
    const link = new FakeLink();
    vehicle(link);
    const r = await settle(requestMessage(link.port, { target, message: common.HomePosition }));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value).toBeInstanceOf(common.HomePosition);
      expect(r.value.latitude).toBe(300000000);
    }
    const [cmd] = link.sentOf(common.CommandLong);
    expect([cmd?.command, cmd?._param1]).toEqual([512, common.HomePosition.MSG_ID]);
  });

  it('ACK first and message later works too; messages from other systems do not count', async () => {
    const link = new FakeLink();
    const tx = vehicle(link, { answer: () => [ack(512, 0)] });
    const p = requestMessage(link.port, { target, message: common.HomePosition.MSG_ID });
    await vi.advanceTimersByTimeAsync(100);
    link.inject(2, 1, homePosition());
    await vi.advanceTimersByTimeAsync(100);
    tx(1, 1, homePosition());
    const r = await settle(p, 100);
    expect(r.ok).toBe(true);
    expect(link.sentOf(common.CommandLong)).toHaveLength(1);
  });

  it('a message lost after an accepted request is requested again', async () => {
    const link = new FakeLink();
    vehicle(link);
    link.dropDown(firstN(common.HomePosition, 1));
    const r = await settle(requestMessage(link.port, { target, message: common.HomePosition }));
    expect(r.ok).toBe(true);
    expect(link.sentOf(common.CommandLong)).toHaveLength(2);
  });

  it('gives up with Timeout when the message never comes', async () => {
    const link = new FakeLink();
    vehicle(link);
    link.dropDown(all(common.HomePosition));
    const r = await settle(
      requestMessage(link.port, { target, message: common.HomePosition, messageRetries: 1 }),
    );
    expect(r.ok ? undefined : r.error).toMatchObject({
      code: 'Timeout',
      detail: { acked: true, requests: 2 },
    });
  });

  it('surfaces the command failure (UNSUPPORTED)', async () => {
    const link = new FakeLink();
    vehicle(link);
    const r = await settle(requestMessage(link.port, { target, message: minimal.Heartbeat }));
    expect(r.ok ? undefined : r.error.code).toBe('Unsupported');
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
