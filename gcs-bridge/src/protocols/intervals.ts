/**
 * Message rates and one-off requests, built on the command protocol.
 *
 * setMessageInterval: MAV_CMD_SET_MESSAGE_INTERVAL (511) is an ordinary command; on PX4 it
 * applies to the link it arrived on and is forgotten on reboot, and some messages refuse it
 * (MISSION_CURRENT answers FAILED), so callers re-apply rates after reconnects and treat a
 * refusal per message.
 *
 * requestMessage: MAV_CMD_REQUEST_MESSAGE (512), then the message itself.
 *
 *   commanding (the command protocol runs inside, resending the request as it does)
 *     │ ──the requested message from the target──────────▶ done(ok, message)   (PX4 sends the
 *     │                                                     message before its ACK; either order works)
 *     │ ──command failed (DENIED, UNSUPPORTED, Timeout…)──▶ done(that failure)
 *     │ ──command ACCEPTED, no message yet──▶ awaitingMessage
 *   awaitingMessage ──message──▶ done(ok)
 *                   ──timeout (messageTimeoutMs)──▶ commanding again (a fresh request; REQUEST_MESSAGE
 *                                                    is idempotent), up to messageRetries, then done(Timeout)
 */
import type { MavLinkData } from 'node-mavlink';
import type { MessagePort } from '../codec/types.ts';
import type { Result } from '../result.ts';
import { fail, ok } from '../result.ts';
import type {
  CommandConfig,
  CommandErrorCode,
  CommandParams,
  CommandProgress,
  CommandResult,
  CommandState,
} from './command.ts';
import { commandStep, initialCommandState, runCommand } from './command.ts';
import type { Effect, ProtocolEvent, RunOptions, Step } from './machine.ts';
import { DEFAULT_TIMEOUT_MS, drive, fromTarget, sendErrorMessage } from './machine.ts';

export const MAV_CMD_SET_MESSAGE_INTERVAL = 511;
export const MAV_CMD_REQUEST_MESSAGE = 512;

type CommandTuning = Omit<CommandConfig, 'command' | 'message' | 'frame' | keyof CommandParams>;

export type SetIntervalOptions = CommandTuning &
  RunOptions<CommandProgress> & {
    /** MAVLink message id whose rate to set. */
    messageId: number;
  } & ({ hz: number; intervalUs?: never } | { intervalUs: number; hz?: never });

/** Interval in microseconds for a rate in Hz; throws RangeError for a rate that is not > 0. */
export function intervalUsFromHz(hz: number): number {
  if (!(hz > 0) || !Number.isFinite(hz)) {
    throw new RangeError(
      `rate must be > 0 Hz, got ${hz} (use intervalUs -1 to stop a message, 0 for its default rate)`,
    );
  }
  return Math.round(1e6 / hz);
}

function checkMessageId(id: number): string | undefined {
  return Number.isInteger(id) && id >= 0 && id <= 0xffffff
    ? undefined
    : `messageId must be a MAVLink message id, got ${id}`;
}

/**
 * Sets how often the vehicle streams a message on this link: `hz`, or `intervalUs`
 * (-1 stops it, 0 restores the default rate).
 */
export function setMessageInterval(port: MessagePort, options: SetIntervalOptions): Promise<CommandResult> {
  const idProblem = checkMessageId(options.messageId);
  if (idProblem) return Promise.resolve(fail('InvalidRequest', idProblem));
  let intervalUs: number;
  if (options.hz !== undefined) {
    if (!(options.hz > 0) || !Number.isFinite(options.hz)) {
      return Promise.resolve(
        fail(
          'InvalidRequest',
          `rate must be > 0 Hz, got ${options.hz} (use intervalUs -1 to stop a message, 0 for its default rate)`,
        ),
      );
    }
    intervalUs = intervalUsFromHz(options.hz);
  } else {
    intervalUs = options.intervalUs;
    if (!Number.isInteger(intervalUs) || intervalUs < -1) {
      return Promise.resolve(
        fail('InvalidRequest', `intervalUs must be -1, 0 or a positive integer, got ${intervalUs}`),
      );
    }
  }
  const { messageId, hz: _hz, intervalUs: _us, ...rest } = options;
  return runCommand(port, {
    ...rest,
    command: MAV_CMD_SET_MESSAGE_INTERVAL,
    param1: messageId,
    param2: intervalUs,
  });
}

export interface RequestMessageConfig<M extends MavLinkData = MavLinkData> extends CommandTuning {
  /** The message class to ask for (its MSG_ID is sent and the answer is typed), or a bare id. */
  message: { MSG_ID: number; new (): M } | number;
  /** REQUEST_MESSAGE param2..param5: message-specific (e.g. a stream or camera id). */
  param2?: number;
  param3?: number;
  param4?: number;
  param5?: number;
  /** Wait for the message after the command is accepted (default 1500 ms). */
  messageTimeoutMs?: number;
  /** Fresh requests after an accepted request whose message never came (default 2). */
  messageRetries?: number;
}

export interface RequestMessageOptions<M extends MavLinkData = MavLinkData>
  extends RequestMessageConfig<M>,
    RunOptions<never> {}

export type RequestMessageResult<M extends MavLinkData = MavLinkData> = Result<M, CommandErrorCode>;

interface Resolved {
  command: CommandConfig;
  messageId: number;
  messageTimeoutMs: number;
  messageRetries: number;
}

export type RequestMessageState<M extends MavLinkData = MavLinkData> =
  | { phase: 'commanding'; cfg: Resolved; inner: CommandState; requests: number }
  | { phase: 'awaitingMessage'; cfg: Resolved; requests: number }
  | { phase: 'done'; cfg: Resolved; message?: M };

type ReqStep<M extends MavLinkData> = Step<RequestMessageState<M>, never, RequestMessageResult<M>>;

export function initialRequestMessageState<M extends MavLinkData>(
  config: RequestMessageConfig<M>,
): RequestMessageState<M> {
  const messageId = typeof config.message === 'number' ? config.message : config.message.MSG_ID;
  const { message: _m, messageTimeoutMs, messageRetries, ...tuning } = config;
  const command: CommandConfig = { ...tuning, command: MAV_CMD_REQUEST_MESSAGE, param1: messageId };
  return {
    phase: 'commanding',
    cfg: {
      command,
      messageId,
      messageTimeoutMs: messageTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      messageRetries: messageRetries ?? 2,
    },
    inner: initialCommandState(command),
    requests: 1,
  };
}

/** Runs the inner command step and lifts its effects; its result decides what happens next. */
function runInner<M extends MavLinkData>(
  state: Extract<RequestMessageState<M>, { phase: 'commanding' }>,
  event: ProtocolEvent,
): ReqStep<M> {
  const out = commandStep(state.inner, event);
  const effects: Effect<never, RequestMessageResult<M>>[] = [];
  for (const e of out.effects) {
    if (e.kind === 'send' || e.kind === 'setTimer' || e.kind === 'clearTimer') effects.push(e);
    else if (e.kind === 'done') {
      if (!e.result.ok) {
        return {
          state: { phase: 'done', cfg: state.cfg },
          effects: [...effects, { kind: 'done', result: e.result }],
        };
      }
      return {
        state: { phase: 'awaitingMessage', cfg: state.cfg, requests: state.requests },
        effects: [...effects, { kind: 'setTimer', ms: state.cfg.messageTimeoutMs }],
      };
    }
  }
  if (out.state === state.inner) return { state, effects };
  return { state: { ...state, inner: out.state }, effects };
}

/** The pure transition function of "request one message". */
export function requestMessageStep<M extends MavLinkData>(
  state: RequestMessageState<M>,
  event: ProtocolEvent,
): ReqStep<M> {
  const cfg = state.cfg;
  if (state.phase === 'done') return { state, effects: [] };
  if (
    event.kind === 'message' &&
    event.inbound.msgid === cfg.messageId &&
    fromTarget(event.inbound, cfg.command.target)
  ) {
    const message = event.inbound.message as M;
    return {
      state: { phase: 'done', cfg, message },
      effects: [{ kind: 'clearTimer' }, { kind: 'done', result: ok(message) }],
    };
  }
  if (state.phase === 'commanding') return runInner(state, event);
  // awaitingMessage
  if (event.kind === 'cancel') {
    return {
      state: { phase: 'done', cfg },
      effects: [
        { kind: 'clearTimer' },
        { kind: 'done', result: fail('Cancelled', 'message request cancelled') },
      ],
    };
  }
  if (event.kind !== 'timeout') return { state, effects: [] };
  if (state.requests > cfg.messageRetries) {
    return {
      state: { phase: 'done', cfg },
      effects: [
        {
          kind: 'done',
          result: fail('Timeout', `vehicle accepted the request but message ${cfg.messageId} never arrived`, {
            messageId: cfg.messageId,
            requests: state.requests,
            acked: true,
          }),
        },
      ],
    };
  }
  const fresh = {
    phase: 'commanding' as const,
    cfg,
    inner: initialCommandState(cfg.command),
    requests: state.requests + 1,
  };
  return runInner(fresh, { kind: 'started', now: event.now });
}

/** Asks the vehicle for one message (MAV_CMD_REQUEST_MESSAGE) and resolves with it. */
export function requestMessage<M extends MavLinkData = MavLinkData>(
  port: MessagePort,
  options: RequestMessageOptions<M>,
): Promise<RequestMessageResult<M>> {
  const id = typeof options.message === 'number' ? options.message : options.message.MSG_ID;
  const problem = checkMessageId(id);
  if (problem) return Promise.resolve(fail('InvalidRequest', problem));
  return drive(port, requestMessageStep<M>, initialRequestMessageState(options), {
    signal: options.signal,
    onSendError: (error) =>
      fail('SendFailed', `could not send MAV_CMD_REQUEST_MESSAGE: ${sendErrorMessage(error)}`, {
        messageId: id,
      }),
  });
}
