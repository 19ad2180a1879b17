import type { MavLinkData } from 'node-mavlink';
import { common } from 'node-mavlink';
import { describe, expect, it, vi } from 'vitest';
import type { Inbound } from '../codec/types.ts';
import { GCS_SYSID } from '../codec/types.ts';
import type { CommandState } from './command.ts';
import { commandStep, initialCommandState, runCommand } from './command.ts';
import type { ProtocolEvent } from './machine.ts';
import type { SimPeerOptions } from './testing/sim-link.ts';
import { simPerTest } from './testing/sim-per-test.ts';

const target = { sysid: 1, compid: 1 };
const ARM = 400;

function ack(command: number, result: number, extra: Partial<common.CommandAck> = {}): common.CommandAck {
  const m = new common.CommandAck();
  m.command = command;
  m.result = result;
  m.progress = 255;
  m.resultParam2 = 0;
  m.targetSystem = GCS_SYSID;
  m.targetComponent = 190;
  Object.assign(m, extra);
  return m;
}

function msg(message: MavLinkData, sysid = 1, compid = 1, now = 0): ProtocolEvent {
  const msgid = (message.constructor as unknown as { MSG_ID: number }).MSG_ID;
  const inbound: Inbound = { sysid, compid, msgid, message, linkId: 't', receivedAt: now };
  return { kind: 'message', inbound, now };
}

describe('commandStep (pure)', () => {
  const start = (extra = {}) =>
    commandStep(initialCommandState({ target, command: ARM, param1: 1, ...extra }), {
      kind: 'started',
      now: 0,
    });

  it('sends COMMAND_LONG with confirmation 0 and arms the ack timer', () => {
    const out = start();
    expect(out.state.phase).toBe('awaitingAck');
    const [send, timer] = out.effects;
    expect(send?.kind === 'send' && send.message).toBeInstanceOf(common.CommandLong);
    const m = (send as unknown as { message: common.CommandLong }).message;
    expect([m.targetSystem, m.targetComponent, m.command, m.confirmation, m._param1]).toEqual([
      1,
      1,
      ARM,
      0,
      1,
    ]);
    expect(timer).toEqual({ kind: 'setTimer', ms: 1500 });
  });

  it('resends with confirmation raised on each timeout, then fails with Timeout', () => {
    let s: CommandState = start({ retries: 2 }).state;
    const confirmations: number[] = [];
    for (let i = 0; i < 2; i++) {
      const out = commandStep(s, { kind: 'timeout', now: 0 });
      s = out.state;
      const send = out.effects.find((e) => e.kind === 'send');
      confirmations.push((send as unknown as { message: common.CommandLong }).message.confirmation);
    }
    expect(confirmations).toEqual([1, 2]);
    const last = commandStep(s, { kind: 'timeout', now: 0 });
    expect(last.effects.at(-1)).toMatchObject({
      kind: 'done',
      result: { ok: false, error: { code: 'Timeout', detail: { sends: 3 } } },
    });
  });

  it('ignores acks for other commands, from other systems and for other ground stations', () => {
    const s = start().state;
    for (const event of [
      msg(ack(ARM + 1, 0)),
      msg(ack(ARM, 0), 2, 1),
      msg(ack(ARM, 0), 1, 99),
      msg(ack(ARM, 0, { targetSystem: 254 })),
    ]) {
      const out = commandStep(s, event);
      expect(out.effects).toEqual([]);
      expect(out.state).toBe(s);
    }
    // targetSystem 0 (older firmware) still counts as ours.
    expect(commandStep(s, msg(ack(ARM, 0, { targetSystem: 0, targetComponent: 0 }))).state.phase).toBe(
      'done',
    );
  });

  it('IN_PROGRESS reports progress, stops resending and waits longer', () => {
    const s = start({ inProgressTimeoutMs: 4000 }).state;
    const out = commandStep(s, msg(ack(ARM, 5, { progress: 40 })));
    expect(out.state.phase).toBe('inProgress');
    expect(out.effects).toEqual([
      { kind: 'progress', progress: { command: ARM, percent: 40 } },
      { kind: 'setTimer', ms: 4000 },
    ]);
    const timeout = commandStep(out.state, { kind: 'timeout', now: 0 });
    expect(timeout.effects.some((e) => e.kind === 'send')).toBe(false);
    expect(timeout.effects.at(-1)).toMatchObject({
      result: { ok: false, error: { code: 'Timeout', detail: { inProgress: true, percent: 40 } } },
    });
  });

  it('maps MAV_RESULT failures to codes with the raw result in detail', () => {
    const s = start().state;
    const cases: [number, string][] = [
      [2, 'Denied'],
      [3, 'Unsupported'],
      [4, 'Failed'],
      [6, 'VehicleCancelled'],
      [1, 'TemporarilyRejected'],
      [8, 'Unsupported'],
    ];
    for (const [result, code] of cases) {
      const out = commandStep(s, msg(ack(ARM, result, { resultParam2: 7 })));
      expect(out.effects.at(-1)).toMatchObject({
        kind: 'done',
        result: { ok: false, error: { code, detail: { mavResult: result, resultParam2: 7, command: ARM } } },
      });
    }
  });

  it('TEMPORARILY_REJECTED with opt-in waits, then sends a fresh attempt', () => {
    const s = start({ retryTemporarilyRejectedForMs: 5000 }).state;
    const out = commandStep(s, msg(ack(ARM, 1), 1, 1, 100));
    expect(out.state.phase).toBe('rejectedWaiting');
    expect(out.effects).toEqual([{ kind: 'setTimer', ms: 1000 }]);
    const again = commandStep(out.state, { kind: 'timeout', now: 1100 });
    const send = again.effects.find((e) => e.kind === 'send') as unknown as { message: common.CommandLong };
    expect(send.message.confirmation).toBe(0);
    // Past the deadline the rejection is final.
    const late = commandStep(again.state, msg(ack(ARM, 1), 1, 1, 4500));
    expect(late.effects.at(-1)).toMatchObject({ result: { error: { code: 'TemporarilyRejected' } } });
  });

  it('cancel ends the transaction without sending anything', () => {
    const out = commandStep(start().state, { kind: 'cancel', now: 0 });
    expect(out.effects.filter((e) => e.kind === 'send')).toEqual([]);
    expect(out.effects.at(-1)).toMatchObject({ result: { ok: false, error: { code: 'Cancelled' } } });
  });
});

describe.each(['px4', 'ardupilot'] as const)('runCommand against the simulator, %s', (flavour) => {
  const sim = simPerTest(60_000);
  const { settle } = sim;
  const setup = (vehicle: SimPeerOptions['vehicle'] = {}) => sim.open({ flavour, vehicle });

  /** MAV_CMD_REQUEST_MESSAGE for HOME_POSITION: accepted by the simulator at any time. */
  const REQUEST_MESSAGE = 512;
  const requestHome = { target, command: REQUEST_MESSAGE, param1: 242 };

  it('accepted', async () => {
    const p = await setup();
    const r = await settle(runCommand(p.port, requestHome));
    expect(r).toEqual({
      ok: true,
      value: { command: REQUEST_MESSAGE, result: 'Accepted', resultParam2: 0, sends: 1 },
    });
    expect(p.sent(common.CommandLong)).toHaveLength(1);
    expect(p.link.messages('down', common.HomePosition)).toHaveLength(1);
  });

  it('IN_PROGRESS then accepted: progress reported, no resends while in progress', async () => {
    const p = await setup();
    // A long-running command: the vehicle's first answer becomes IN_PROGRESS, the rest follow.
    p.link.faults.rewrite(
      'down',
      common.CommandAck,
      (m: common.CommandAck) => [ack(m.command, 5, { progress: 0 })],
      { first: 1 },
    );
    const progress: (number | undefined)[] = [];
    const pending = runCommand(p.port, { ...requestHome, onProgress: (x) => progress.push(x.percent) });
    for (const pct of [30, 60, 90]) {
      await vi.advanceTimersByTimeAsync(2000);
      p.link.inject('down', ack(REQUEST_MESSAGE, 5, { progress: pct }), target);
    }
    await vi.advanceTimersByTimeAsync(2000);
    p.link.inject('down', ack(REQUEST_MESSAGE, 0), target);
    const r = await settle(pending, 100);
    expect(r.ok).toBe(true);
    expect(progress).toEqual([0, 30, 60, 90]);
    expect(p.sent(common.CommandLong)).toHaveLength(1);
  });

  it('duplicate acks (as PX4 sometimes sends): the result is delivered once', async () => {
    const p = await setup({ duplicateAckChance: 1 });
    const onProgress = vi.fn();
    const r = await settle(runCommand(p.port, { ...requestHome, onProgress }));
    expect(r.ok).toBe(true);
    expect(p.link.messages('down', common.CommandAck)).toHaveLength(2);
    expect(onProgress).not.toHaveBeenCalled();
  });

  it('arming right after boot is TEMPORARILY_REJECTED, retried every second until accepted', async () => {
    const p = await setup({ settleS: 10, preflightDisarmS: 0 });
    const bootedAt = Date.now();
    const r = await settle(
      runCommand(p.port, { target, command: ARM, param1: 1, retryTemporarilyRejectedForMs: 15_000 }),
    );
    expect(r.ok ? 'ok' : r.error).toBe('ok');
    expect(p.vehicle.armed).toBe(true);
    const sends = p.link.traffic
      .filter((x) => x.dir === 'up' && x.message instanceof common.CommandLong)
      .map((x) => x.at - bootedAt);
    expect(sends.length).toBeGreaterThanOrEqual(10);
    expect(sends.length).toBeLessThanOrEqual(12);
    // Fresh attempts, about a second apart, each with confirmation 0.
    for (let i = 1; i < sends.length; i++) expect(sends[i]! - sends[i - 1]!).toBeGreaterThanOrEqual(1000);
    expect(p.sent(common.CommandLong).every((c) => c.confirmation === 0)).toBe(true);
  });

  it('TEMPORARILY_REJECTED past the deadline is reported with the count of rejections', async () => {
    const p = await setup({ settleS: 60 });
    const r = await settle(
      runCommand(p.port, { target, command: ARM, param1: 1, retryTemporarilyRejectedForMs: 3000 }),
    );
    expect(r.ok ? undefined : r.error).toMatchObject({
      code: 'TemporarilyRejected',
      // Answers to the attempts at 0, 1, 2 and 3 s; the last one arrives past the deadline.
      detail: { mavResult: 1, mavResultName: 'TEMPORARILY_REJECTED', temporarilyRejected: 4 },
    });
  });

  it('without opt-in TEMPORARILY_REJECTED fails at once', async () => {
    const p = await setup({ settleS: 60 });
    const r = await settle(runCommand(p.port, { target, command: ARM, param1: 1 }));
    expect(r.ok ? undefined : r.error.code).toBe('TemporarilyRejected');
    expect(p.sent(common.CommandLong)).toHaveLength(1);
  });

  it('times out after N retries with confirmation counting 0..N', async () => {
    const p = await setup();
    p.link.faults.drop('up', common.CommandLong);
    const started = Date.now();
    const r = await settle(runCommand(p.port, { ...requestHome, retries: 5 }));
    expect(r.ok ? undefined : r.error).toMatchObject({
      code: 'Timeout',
      detail: { sends: 6, command: REQUEST_MESSAGE },
    });
    expect(p.sent(common.CommandLong).map((c) => c.confirmation)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(p.link.traffic.filter((x) => x.dir === 'up').map((x) => x.at - started)).toEqual([
      0, 1500, 3000, 4500, 6000, 7500,
    ]);
  });

  it('a lost command is resent and the late ack accepted', async () => {
    const p = await setup();
    p.link.faults.drop('up', common.CommandLong, { where: (c: common.CommandLong) => c.confirmation < 2 });
    const r = await settle(runCommand(p.port, requestHome));
    expect(r.ok && r.value.sends).toBe(3);
  });

  it('a lost ack is recovered by the resend', async () => {
    const p = await setup();
    p.link.faults.drop('down', common.CommandAck, { first: 1 });
    const r = await settle(runCommand(p.port, requestHome));
    expect(r.ok && r.value.sends).toBe(2);
  });

  it('mission start without a mission is refused (PX4 DENIED, ArduPilot FAILED)', async () => {
    const p = await setup();
    const r = await settle(runCommand(p.port, { target, command: 300 }));
    const [code, mavResult, mavResultName] =
      flavour === 'px4' ? ['Denied', 2, 'DENIED'] : ['Failed', 4, 'FAILED'];
    expect(r.ok ? undefined : r.error).toMatchObject({
      code,
      detail: { mavResult, mavResultName, resultParam2: 0, command: 300 },
    });
  });

  it('COMMAND_INT carries positions as degE7 with a frame (DO_SET_HOME)', async () => {
    const p = await setup();
    const r = await settle(
      runCommand(p.port, {
        target,
        command: 179,
        message: 'int',
        frame: 0,
        param5: 300123456,
        param6: 1200654321,
        param7: 40,
      }),
    );
    expect(r.ok).toBe(true);
    const [sent] = p.sent(common.CommandInt);
    expect([sent?.frame, sent?._param5, sent?._param6, sent?._param7]).toEqual([
      0, 300123456, 1200654321, 40,
    ]);
    expect(p.vehicle.homePosition).toEqual({ lat: 30.0123456, lon: 120.0654321, altM: 40 });
    const bad = await runCommand(p.port, { target, command: 192, message: 'int', frame: 6, param5: 30.01 });
    expect(bad.ok ? undefined : bad.error.code).toBe('InvalidRequest');
    expect(bad.ok ? '' : bad.error.message).toMatch(/param5/);
  });

  it('cancel stops waiting and reports Cancelled', async () => {
    const p = await setup();
    p.link.faults.drop('up', common.CommandLong);
    const controller = new AbortController();
    const pending = runCommand(p.port, { ...requestHome, signal: controller.signal });
    await vi.advanceTimersByTimeAsync(2000);
    controller.abort();
    const r = await settle(pending, 10);
    expect(r.ok ? undefined : r.error).toMatchObject({ code: 'Cancelled', detail: { sends: 2 } });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(p.sent(common.CommandLong)).toHaveLength(2);
  });
});

describe('runCommand driver', () => {
  it('works when the port answers synchronously from inside send', async () => {
    const handlers = new Set<(inbound: Inbound) => void>();
    const port = {
      send: (m: MavLinkData) => {
        if (!(m instanceof common.CommandLong)) return;
        for (const reply of [ack(m.command, 5, { progress: 50 }), ack(m.command, 0)]) {
          const event = msg(reply);
          if (event.kind === 'message') for (const h of handlers) h(event.inbound);
        }
      },
      subscribe: (h: (inbound: Inbound) => void) => {
        handlers.add(h);
        return () => handlers.delete(h);
      },
    };
    const r = await runCommand(port, { target, command: ARM });
    expect(r.ok).toBe(true);
  });

  it('a link that throws on send gives SendFailed', async () => {
    const port = {
      send: () => {
        throw new Error('link closed');
      },
      subscribe: () => () => {},
    };
    const r = await runCommand(port, { target, command: ARM });
    expect(r.ok ? undefined : r.error).toMatchObject({
      code: 'SendFailed',
      message: expect.stringMatching(/link closed/),
    });
  });
});
