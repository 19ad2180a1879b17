/**
 * The shape every protocol transaction in this folder shares: a pure `step(state, event)`
 * that returns the next state and a list of effects, and one small driver that performs
 * those effects against a {@link MessagePort} and a single real timer.
 *
 *            started / message / timeout / cancel
 *   driver ─────────────────────────────────────────▶ step(state, event)
 *     ▲                                                    │
 *     └──── send / setTimer / clearTimer / progress / done ┘
 *
 * The driver guarantees: one timer per transaction (setTimer replaces it), events are
 * processed one at a time even if the port delivers a reply synchronously from inside
 * `send`, and the result is delivered exactly once (anything after `done` is ignored).
 */
import type { MavLinkData } from 'node-mavlink';
import type { Inbound, MessagePort } from '../codec/types.ts';
import { GCS_COMPID, GCS_SYSID } from '../codec/types.ts';

/** The vehicle component a transaction talks to. compid 0 accepts answers from any component. */
export interface Target {
  sysid: number;
  compid: number;
}

/** What the ground station calls itself; answers addressed to another station are ignored. */
export interface GcsIdentity {
  sysid: number;
  compid: number;
}

export const DEFAULT_GCS: GcsIdentity = { sysid: GCS_SYSID, compid: GCS_COMPID };

/** Spec defaults (mavlink devguide, mission protocol "Timeouts and Retries"). */
export const DEFAULT_TIMEOUT_MS = 1500;
export const DEFAULT_ITEM_TIMEOUT_MS = 250;
export const DEFAULT_RETRIES = 5;

/** `now` is the driver's clock (Date.now()), so steps stay pure yet can keep deadlines. */
export type ProtocolEvent =
  | { kind: 'started'; now: number }
  | { kind: 'message'; inbound: Inbound; now: number }
  | { kind: 'timeout'; now: number }
  | { kind: 'cancel'; now: number };

export type Effect<P, R> =
  | { kind: 'send'; message: MavLinkData }
  | { kind: 'setTimer'; ms: number }
  | { kind: 'clearTimer' }
  | { kind: 'progress'; progress: P }
  | { kind: 'done'; result: R };

export interface Step<S, P, R> {
  state: S;
  effects: Effect<P, R>[];
}

export type StepFn<S, P, R> = (state: S, event: ProtocolEvent) => Step<S, P, R>;

/** Options every driver-run transaction accepts. */
export interface RunOptions<P> {
  /** Aborting cancels the transaction (mission transfers tell the vehicle so). */
  signal?: AbortSignal;
  onProgress?: (progress: P) => void;
}

export interface DriveOptions<P, R> extends RunOptions<P> {
  /** Turns an exception thrown by `port.send` (a closed link) into the transaction's result. */
  onSendError: (error: unknown) => R;
}

/**
 * Runs one transaction to completion. Subscribes before the first send so a fast reply is
 * never missed, and unsubscribes and clears the timer when the result is delivered.
 */
export function drive<S, P, R>(
  port: MessagePort,
  step: StepFn<S, P, R>,
  initial: S,
  options: DriveOptions<P, R>,
): Promise<R> {
  return new Promise<R>((resolve) => {
    let state = initial;
    let finished = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let processing = false;
    const queue: ProtocolEvent[] = [];
    let unsubscribe: (() => void) | undefined;

    const clearTimer = (): void => {
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
    };

    const finish = (result: R): void => {
      if (finished) return;
      finished = true;
      clearTimer();
      unsubscribe?.();
      options.signal?.removeEventListener('abort', onAbort);
      queue.length = 0;
      resolve(result);
    };

    const perform = (effects: Effect<P, R>[]): void => {
      for (const effect of effects) {
        if (finished) return;
        switch (effect.kind) {
          case 'send':
            try {
              port.send(effect.message);
            } catch (error) {
              finish(options.onSendError(error));
              return;
            }
            break;
          case 'setTimer':
            clearTimer();
            timer = setTimeout(() => {
              timer = undefined;
              dispatch({ kind: 'timeout', now: Date.now() });
            }, effect.ms);
            break;
          case 'clearTimer':
            clearTimer();
            break;
          case 'progress':
            options.onProgress?.(effect.progress);
            break;
          case 'done':
            finish(effect.result);
            return;
        }
      }
    };

    // Events raised while a step's effects run (a synchronous reply from inside send) wait
    // in the queue, so every step sees the state its predecessor produced.
    function dispatch(event: ProtocolEvent): void {
      if (finished) return;
      queue.push(event);
      if (processing) return;
      processing = true;
      try {
        while (queue.length > 0 && !finished) {
          const next = queue.shift()!;
          const out = step(state, next);
          state = out.state;
          perform(out.effects);
        }
      } finally {
        processing = false;
      }
    }

    function onAbort(): void {
      dispatch({ kind: 'cancel', now: Date.now() });
    }

    unsubscribe = port.subscribe((inbound) => dispatch({ kind: 'message', inbound, now: Date.now() }));
    if (options.signal?.aborted) {
      dispatch({ kind: 'cancel', now: Date.now() });
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    dispatch({ kind: 'started', now: Date.now() });
  });
}

/** True when the message comes from the target (any component of it when target.compid is 0). */
export function fromTarget(inbound: Inbound, target: Target): boolean {
  return inbound.sysid === target.sysid && (target.compid === 0 || inbound.compid === target.compid);
}

/**
 * True unless the message names another ground station. Older firmware leaves the target
 * fields 0 (broadcast), which counts as addressed to us.
 */
export function addressedToUs(
  message: { targetSystem?: number; targetComponent?: number },
  gcs: GcsIdentity,
): boolean {
  const ts = message.targetSystem ?? 0;
  const tc = message.targetComponent ?? 0;
  return (ts === 0 || ts === gcs.sysid) && (tc === 0 || tc === gcs.compid);
}

/** Narrows an inbound message by its MAVLink message class (compares ids, not prototypes). */
export function isMessage<M extends MavLinkData>(
  inbound: Inbound,
  cls: { MSG_ID: number; new (): M },
): inbound is Inbound<M> {
  return inbound.msgid === cls.MSG_ID;
}

export function sendErrorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
