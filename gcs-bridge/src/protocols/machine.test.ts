/** The driver's guarantees, with a toy step function so only the driver is under test. */
import { type MavLinkData, minimal } from 'node-mavlink';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Inbound, MessagePort } from '../codec/types.ts';
import type { Effect, ProtocolEvent, Step } from './machine.ts';
import { drive } from './machine.ts';

/** A port that records what is sent and lets the test deliver messages synchronously. */
function recordingPort() {
  const sent: MavLinkData[] = [];
  const handlers = new Set<(inbound: Inbound) => void>();
  const port: MessagePort = {
    send: (message) => {
      sent.push(message);
    },
    subscribe: (handler) => {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
  const deliver = (message: MavLinkData) => {
    const inbound: Inbound = { sysid: 1, compid: 1, msgid: 0, message, linkId: 't', receivedAt: Date.now() };
    for (const h of [...handlers]) h(inbound);
  };
  return { port, sent, deliver };
}

type Toy = { seen: string[] };
type R = { outcome: string; seen: string[] };

/** Sends a heartbeat on start, arms a 100 ms timer, finishes on the second timeout or any message. */
function toyStep(state: Toy, event: ProtocolEvent): Step<Toy, number, R> {
  const seen = [...state.seen, event.kind];
  const effects: Effect<number, R>[] = [];
  if (event.kind === 'started') {
    effects.push({ kind: 'send', message: new minimal.Heartbeat() }, { kind: 'setTimer', ms: 100 });
  } else if (event.kind === 'timeout' && seen.filter((k) => k === 'timeout').length < 2) {
    effects.push({ kind: 'progress', progress: seen.length }, { kind: 'setTimer', ms: 100 });
  } else {
    effects.push({ kind: 'done', result: { outcome: event.kind, seen } });
  }
  return { state: { seen }, effects };
}

describe('drive', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs timers, reports progress and unsubscribes when done', async () => {
    const link = recordingPort();
    const subscribe = vi.spyOn(link.port, 'subscribe');
    const progress: number[] = [];
    const p = drive(
      link.port,
      toyStep,
      { seen: [] },
      { onProgress: (n) => progress.push(n), onSendError: () => ({ outcome: 'err', seen: [] }) },
    );
    await vi.advanceTimersByTimeAsync(1000);
    expect(await p).toEqual({ outcome: 'timeout', seen: ['started', 'timeout', 'timeout'] });
    expect(progress).toEqual([2]);
    expect(subscribe).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('delivers the result once; later messages and aborts change nothing', async () => {
    const link = recordingPort();
    const controller = new AbortController();
    const step = vi.fn(toyStep);
    const p = drive(
      link.port,
      step,
      { seen: [] },
      { signal: controller.signal, onSendError: () => ({ outcome: 'err', seen: [] }) },
    );
    link.deliver(new minimal.Heartbeat());
    link.deliver(new minimal.Heartbeat());
    controller.abort();
    expect(await p).toEqual({ outcome: 'message', seen: ['started', 'message'] });
    expect(step).toHaveBeenCalledTimes(2);
  });

  it('an already-aborted signal cancels before anything is sent', async () => {
    const link = recordingPort();
    const controller = new AbortController();
    controller.abort();
    const r = await drive(
      link.port,
      toyStep,
      { seen: [] },
      { signal: controller.signal, onSendError: () => ({ outcome: 'err', seen: [] }) },
    );
    expect(r).toEqual({ outcome: 'cancel', seen: ['cancel'] });
    expect(link.sent).toHaveLength(0);
  });

  it('a throwing send becomes the result and stops the transaction', async () => {
    let unsubscribed = false;
    const port = {
      send: () => {
        throw new Error('EPIPE');
      },
      subscribe: () => () => {
        unsubscribed = true;
      },
    };
    const r = await drive(
      port,
      toyStep,
      { seen: [] },
      { onSendError: (e) => ({ outcome: String(e), seen: [] }) },
    );
    expect(r.outcome).toMatch(/EPIPE/);
    expect(unsubscribed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
