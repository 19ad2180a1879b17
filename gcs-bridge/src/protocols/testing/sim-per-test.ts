/**
 * The set-up the protocol tests against the simulator share: fake timers for each test (the
 * simulator's clock follows them) and a simulator peer opened by the test, closed after it.
 * Call `simPerTest` at the top of a file or describe block.
 */
import { afterEach, beforeEach, vi } from 'vitest';
import { type SimPeer, type SimPeerOptions, simPeer } from './sim-link.ts';

export interface SimPerTest {
  /** Opens the simulator peer for the running test. */
  open(opts: SimPeerOptions): Promise<SimPeer>;
  /** The peer the running test opened. */
  peer(): SimPeer | undefined;
  /** Lets `ms` of fake time pass (by default the block's), then returns what the promise settled to. */
  settle<T>(promise: Promise<T>, ms?: number): Promise<T>;
}

export function simPerTest(settleMs: number): SimPerTest {
  let peer: SimPeer | undefined;
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(async () => {
    await peer?.close();
    peer = undefined;
    vi.useRealTimers();
  });
  return {
    open: async (opts) => {
      peer = await simPeer(opts);
      return peer;
    },
    peer: () => peer,
    settle: async (promise, ms = settleMs) => {
      await vi.advanceTimersByTimeAsync(ms);
      return promise;
    },
  };
}
