/**
 * Command protocol (mavlink devguide en/services/command.md): COMMAND_LONG or COMMAND_INT
 * out, COMMAND_ACK back.
 *
 *   idle ──started──▶ awaitingAck ──ACK ACCEPTED──────────────────────────▶ done(ok)
 *                      │  ▲   │ ──ACK DENIED/FAILED/UNSUPPORTED/...──────▶ done(fail)
 *        timeout, sends│  │   │ ──ACK IN_PROGRESS──▶ inProgress ──ACK final──▶ done
 *        ≤ retries:    └──┘   │                       │ (each IN_PROGRESS refreshes the
 *        resend, confirmation+1                       │  longer timer; timeout ▶ Timeout)
 *                             │ ──ACK TEMPORARILY_REJECTED, before the opt-in deadline──▶
 *                             │      rejectedWaiting ──timer (~1 s)──▶ awaitingAck (fresh send)
 *                             └──timeout, retries spent──▶ done(Timeout)
 *   any active state ──cancel──▶ done(Cancelled)
 *
 * Who resends what:
 * - The ground station resends the command after each silent `timeoutMs`, up to `retries`
 *   times, raising COMMAND_LONG.confirmation 0,1,2,... (COMMAND_INT has no such field).
 * - After IN_PROGRESS nobody resends: a repeated command would restart or update a long
 *   running operation on the vehicle. We only wait (refreshed by every progress ack).
 * - After TEMPORARILY_REJECTED, only if the caller opted in (`retryTemporarilyRejectedForMs`),
 *   the ground station sends the command again as a fresh attempt (confirmation 0) every
 *   `temporarilyRejectedIntervalMs` until the deadline. PX4 answers arming this way for
 *   ~10 s after boot while its estimators settle.
 * - Cancel only stops waiting; nothing is sent (the command protocol has no cancel message).
 *
 * Duplicate acks (PX4 sometimes acks twice), acks for other commands, acks addressed to other
 * ground stations and acks from other systems are ignored. Two concurrent transactions for
 * the same command id to the same vehicle cannot be told apart on the wire; the caller
 * (the vehicle layer) should serialise them.
 */
import { common } from 'node-mavlink';
import type { MessagePort } from '../codec/types.ts';
import type { Result } from '../result.ts';
import { fail, ok } from '../result.ts';
import type { GcsIdentity, ProtocolEvent, RunOptions, Step, Target } from './machine.ts';
import {
  addressedToUs,
  DEFAULT_GCS,
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT_MS,
  drive,
  fromTarget,
  isMessage,
  sendErrorMessage,
} from './machine.ts';

/** MAV_RESULT values. */
export const MavResult = {
  Accepted: 0,
  TemporarilyRejected: 1,
  Denied: 2,
  Unsupported: 3,
  Failed: 4,
  InProgress: 5,
  Cancelled: 6,
  CommandLongOnly: 7,
  CommandIntOnly: 8,
  CommandUnsupportedMavFrame: 9,
} as const;

const MAV_RESULT_NAMES: Record<number, string> = {
  0: 'ACCEPTED',
  1: 'TEMPORARILY_REJECTED',
  2: 'DENIED',
  3: 'UNSUPPORTED',
  4: 'FAILED',
  5: 'IN_PROGRESS',
  6: 'CANCELLED',
  7: 'COMMAND_LONG_ONLY',
  8: 'COMMAND_INT_ONLY',
  9: 'COMMAND_UNSUPPORTED_MAV_FRAME',
};

export const mavResultName = (value: number): string => MAV_RESULT_NAMES[value] ?? `UNKNOWN_${value}`;

export type CommandErrorCode =
  | 'Denied'
  | 'Failed'
  | 'Unsupported'
  | 'TemporarilyRejected'
  | 'VehicleCancelled'
  | 'Timeout'
  | 'Cancelled'
  | 'InvalidRequest'
  | 'SendFailed';

/** What an accepted command reports. */
export interface CommandAccepted {
  command: number;
  /** Always 'Accepted' (MAV_RESULT_ACCEPTED); kept so logs and audit trails read the same as failures. */
  result: 'Accepted';
  resultParam2: number;
  /** How many COMMAND_LONG/COMMAND_INT messages went out in total (first send included). */
  sends: number;
}

export type CommandResult = Result<CommandAccepted, CommandErrorCode>;

/** Progress of a long-running command (COMMAND_ACK IN_PROGRESS). */
export interface CommandProgress {
  command: number;
  /** 0..100, or undefined when the vehicle does not report a percentage (255). */
  percent: number | undefined;
}

/** The seven parameters; unspecified ones are sent as 0. In COMMAND_INT, param5/param6 are int32 x/y. */
export interface CommandParams {
  param1?: number;
  param2?: number;
  param3?: number;
  param4?: number;
  param5?: number;
  param6?: number;
  param7?: number;
}

export interface CommandSpec extends CommandParams {
  command: number;
  /** 'long' (COMMAND_LONG, default) or 'int' (COMMAND_INT: positions as degE7 in param5/6). */
  message?: 'long' | 'int';
  /** COMMAND_INT only: MAV_FRAME of param5..7 (e.g. 6 = GLOBAL_RELATIVE_ALT_INT). */
  frame?: number;
}

export interface CommandConfig extends CommandSpec {
  target: Target;
  gcs?: GcsIdentity;
  /** Wait for the first ack before resending (default 1500 ms). */
  timeoutMs?: number;
  /** Resends after the first send (default 5). */
  retries?: number;
  /** Wait after an IN_PROGRESS ack for the next ack (default 5000 ms). */
  inProgressTimeoutMs?: number;
  /** Opt-in: keep retrying TEMPORARILY_REJECTED until this long after the start (default 0 = off). */
  retryTemporarilyRejectedForMs?: number;
  /** Pause between attempts after TEMPORARILY_REJECTED (default 1000 ms). */
  temporarilyRejectedIntervalMs?: number;
}

export interface CommandOptions extends CommandConfig, RunOptions<CommandProgress> {}

interface Resolved {
  target: Target;
  gcs: GcsIdentity;
  spec: CommandSpec;
  timeoutMs: number;
  retries: number;
  inProgressTimeoutMs: number;
  rejectDeadlineMs: number;
  rejectIntervalMs: number;
}

export type CommandState =
  | { phase: 'idle'; cfg: Resolved }
  | {
      phase: 'awaitingAck';
      cfg: Resolved;
      /** Sends in the current attempt; the next confirmation value. */
      attemptSends: number;
      totalSends: number;
      startedAt: number;
      rejections: number;
    }
  | { phase: 'inProgress'; cfg: Resolved; totalSends: number; startedAt: number; percent: number | undefined }
  | { phase: 'rejectedWaiting'; cfg: Resolved; totalSends: number; startedAt: number; rejections: number }
  | { phase: 'done'; cfg: Resolved };

type CommandStep = Step<CommandState, CommandProgress, CommandResult>;

/** Checks a command spec; returns a message naming the bad field, or undefined when fine. */
export function checkCommandSpec(spec: CommandSpec): string | undefined {
  if (!Number.isInteger(spec.command) || spec.command < 0 || spec.command > 65535) {
    return `command must be a MAV_CMD id 0..65535, got ${spec.command}`;
  }
  for (const key of ['param1', 'param2', 'param3', 'param4', 'param5', 'param6', 'param7'] as const) {
    const v = spec[key];
    if (v !== undefined && typeof v !== 'number') return `${key} must be a number, got ${typeof v}`;
  }
  if (spec.message === 'int') {
    if (spec.frame === undefined || !Number.isInteger(spec.frame) || spec.frame < 0 || spec.frame > 255) {
      return `COMMAND_INT needs frame as a MAV_FRAME 0..255, got ${spec.frame}`;
    }
    for (const key of ['param5', 'param6'] as const) {
      const v = spec[key] ?? 0;
      if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
        return `COMMAND_INT ${key} must be an int32 (degrees * 1e7 for global frames), got ${v}`;
      }
    }
  }
  return undefined;
}

/** The initial state of a command transaction. */
export function initialCommandState(config: CommandConfig): CommandState {
  return {
    phase: 'idle',
    cfg: {
      target: config.target,
      gcs: config.gcs ?? DEFAULT_GCS,
      spec: config,
      timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      retries: config.retries ?? DEFAULT_RETRIES,
      inProgressTimeoutMs: config.inProgressTimeoutMs ?? 5000,
      rejectDeadlineMs: config.retryTemporarilyRejectedForMs ?? 0,
      rejectIntervalMs: config.temporarilyRejectedIntervalMs ?? 1000,
    },
  };
}

/** Builds the wire message for one send; `confirmation` only exists in COMMAND_LONG. */
export function buildCommandMessage(
  cfg: { target: Target; spec: CommandSpec },
  confirmation: number,
): common.CommandLong | common.CommandInt {
  const s = cfg.spec;
  if (s.message === 'int') {
    const m = commandTo(new common.CommandInt(), cfg);
    m.frame = s.frame ?? 0;
    m.current = 0;
    m.autocontinue = 0;
    return m;
  }
  const m = commandTo(new common.CommandLong(), cfg);
  m.confirmation = Math.min(confirmation, 255);
  return m;
}

/** The fields COMMAND_INT and COMMAND_LONG share: target, command and seven parameters (missing ones 0). */
function commandTo<
  M extends {
    targetSystem: number;
    targetComponent: number;
    command: number;
    _param1: number;
    _param2: number;
    _param3: number;
    _param4: number;
    _param5: number;
    _param6: number;
    _param7: number;
  },
>(m: M, cfg: { target: Target; spec: CommandSpec }): M {
  const s = cfg.spec;
  m.targetSystem = cfg.target.sysid;
  m.targetComponent = cfg.target.compid;
  m.command = s.command;
  m._param1 = s.param1 ?? 0;
  m._param2 = s.param2 ?? 0;
  m._param3 = s.param3 ?? 0;
  m._param4 = s.param4 ?? 0;
  m._param5 = s.param5 ?? 0;
  m._param6 = s.param6 ?? 0;
  m._param7 = s.param7 ?? 0;
  return m;
}

const failureCode = (result: number): CommandErrorCode => {
  switch (result) {
    case MavResult.Denied:
      return 'Denied';
    case MavResult.Failed:
      return 'Failed';
    case MavResult.TemporarilyRejected:
      return 'TemporarilyRejected';
    case MavResult.Cancelled:
      return 'VehicleCancelled';
    default:
      // UNSUPPORTED, COMMAND_LONG_ONLY, COMMAND_INT_ONLY, UNSUPPORTED_MAV_FRAME and unknown values.
      return 'Unsupported';
  }
};

function finished(cfg: Resolved, result: CommandResult): CommandStep {
  return { state: { phase: 'done', cfg }, effects: [{ kind: 'clearTimer' }, { kind: 'done', result }] };
}

function vehicleFailure(cfg: Resolved, ack: common.CommandAck, sends: number, extra = {}): CommandStep {
  const code = failureCode(ack.result);
  const name = mavResultName(ack.result);
  return finished(
    cfg,
    fail(code, `vehicle answered command ${cfg.spec.command} with ${name}`, {
      command: cfg.spec.command,
      mavResult: ack.result,
      mavResultName: name,
      resultParam2: ack.resultParam2 ?? 0,
      sends,
      ...extra,
    }),
  );
}

/** IN_PROGRESS: report the percentage and wait for the final answer (longer than for an ACK). */
function inProgress(
  state: { cfg: Resolved; totalSends: number; startedAt: number },
  ack: common.CommandAck,
): CommandStep {
  const { cfg, totalSends, startedAt } = state;
  const percent = progressOf(ack);
  return {
    state: { phase: 'inProgress', cfg, totalSends, startedAt, percent },
    effects: [
      { kind: 'progress', progress: { command: cfg.spec.command, percent } },
      { kind: 'setTimer', ms: cfg.inProgressTimeoutMs },
    ],
  };
}

function accepted(cfg: Resolved, ack: common.CommandAck, sends: number): CommandStep {
  return finished(
    cfg,
    ok({ command: cfg.spec.command, result: 'Accepted', resultParam2: ack.resultParam2 ?? 0, sends }),
  );
}

function cancelled(cfg: Resolved, sends: number): CommandStep {
  return finished(
    cfg,
    fail('Cancelled', `command ${cfg.spec.command} cancelled by the caller`, {
      command: cfg.spec.command,
      sends,
    }),
  );
}

/** Returns the ack if this message is a COMMAND_ACK for our command from our target. */
function ackFor(cfg: Resolved, event: ProtocolEvent): common.CommandAck | undefined {
  if (event.kind !== 'message') return undefined;
  const inbound = event.inbound;
  if (!isMessage(inbound, common.CommandAck) || !fromTarget(inbound, cfg.target)) return undefined;
  const ack = inbound.message;
  if (ack.command !== cfg.spec.command || !addressedToUs(ack, cfg.gcs)) return undefined;
  return ack;
}

function progressOf(ack: common.CommandAck): number | undefined {
  const p = ack.progress ?? 255;
  return p <= 100 ? p : undefined;
}

/** The pure transition function of the command protocol. */
export function commandStep(state: CommandState, event: ProtocolEvent): CommandStep {
  const cfg = state.cfg;
  switch (state.phase) {
    case 'idle': {
      if (event.kind === 'cancel') return cancelled(cfg, 0);
      if (event.kind !== 'started') return { state, effects: [] };
      return {
        state: {
          phase: 'awaitingAck',
          cfg,
          attemptSends: 1,
          totalSends: 1,
          startedAt: event.now,
          rejections: 0,
        },
        effects: [
          { kind: 'send', message: buildCommandMessage(cfg, 0) },
          { kind: 'setTimer', ms: cfg.timeoutMs },
        ],
      };
    }
    case 'awaitingAck': {
      if (event.kind === 'cancel') return cancelled(cfg, state.totalSends);
      if (event.kind === 'timeout') {
        if (state.attemptSends > cfg.retries) {
          return finished(
            cfg,
            fail(
              'Timeout',
              `no COMMAND_ACK for command ${cfg.spec.command} after ${state.totalSends} sends`,
              {
                command: cfg.spec.command,
                sends: state.totalSends,
                ...(state.rejections > 0 ? { temporarilyRejected: state.rejections } : {}),
              },
            ),
          );
        }
        return {
          state: { ...state, attemptSends: state.attemptSends + 1, totalSends: state.totalSends + 1 },
          effects: [
            { kind: 'send', message: buildCommandMessage(cfg, state.attemptSends) },
            { kind: 'setTimer', ms: cfg.timeoutMs },
          ],
        };
      }
      const ack = ackFor(cfg, event);
      if (!ack) return { state, effects: [] };
      return onAck(state, ack, event.now);
    }
    case 'inProgress': {
      if (event.kind === 'cancel') return cancelled(cfg, state.totalSends);
      if (event.kind === 'timeout') {
        return finished(
          cfg,
          fail('Timeout', `command ${cfg.spec.command} was in progress but no final COMMAND_ACK arrived`, {
            command: cfg.spec.command,
            sends: state.totalSends,
            inProgress: true,
            percent: state.percent,
          }),
        );
      }
      const ack = ackFor(cfg, event);
      if (!ack) return { state, effects: [] };
      if (ack.result === MavResult.InProgress) {
        const percent = progressOf(ack) ?? state.percent;
        return {
          state: { ...state, percent },
          effects: [
            { kind: 'progress', progress: { command: cfg.spec.command, percent } },
            { kind: 'setTimer', ms: cfg.inProgressTimeoutMs },
          ],
        };
      }
      if (ack.result === MavResult.Accepted) return accepted(cfg, ack, state.totalSends);
      return vehicleFailure(cfg, ack, state.totalSends);
    }
    case 'rejectedWaiting': {
      if (event.kind === 'cancel') return cancelled(cfg, state.totalSends);
      if (event.kind === 'timeout') {
        return {
          state: {
            phase: 'awaitingAck',
            cfg,
            attemptSends: 1,
            totalSends: state.totalSends + 1,
            startedAt: state.startedAt,
            rejections: state.rejections,
          },
          effects: [
            { kind: 'send', message: buildCommandMessage(cfg, 0) },
            { kind: 'setTimer', ms: cfg.timeoutMs },
          ],
        };
      }
      const ack = ackFor(cfg, event);
      if (!ack) return { state, effects: [] };
      // A late answer to an earlier send: success or progress is the truth about the vehicle;
      // another rejection (or a duplicate of the one we are waiting out) changes nothing.
      if (ack.result === MavResult.Accepted) return accepted(cfg, ack, state.totalSends);
      if (ack.result === MavResult.InProgress) return inProgress(state, ack);
      return { state, effects: [] };
    }
    case 'done':
      return { state, effects: [] };
  }
}

function onAck(
  state: Extract<CommandState, { phase: 'awaitingAck' }>,
  ack: common.CommandAck,
  now: number,
): CommandStep {
  const cfg = state.cfg;
  switch (ack.result) {
    case MavResult.Accepted:
      return accepted(cfg, ack, state.totalSends);
    case MavResult.InProgress:
      return inProgress(state, ack);
    case MavResult.TemporarilyRejected: {
      const deadline = state.startedAt + cfg.rejectDeadlineMs;
      if (cfg.rejectDeadlineMs > 0 && now + cfg.rejectIntervalMs <= deadline) {
        return {
          state: {
            phase: 'rejectedWaiting',
            cfg,
            totalSends: state.totalSends,
            startedAt: state.startedAt,
            rejections: state.rejections + 1,
          },
          effects: [{ kind: 'setTimer', ms: cfg.rejectIntervalMs }],
        };
      }
      return vehicleFailure(cfg, ack, state.totalSends, { temporarilyRejected: state.rejections + 1 });
    }
    default:
      return vehicleFailure(cfg, ack, state.totalSends);
  }
}

/**
 * Sends one command and resolves with the vehicle's final answer. Never throws for
 * protocol outcomes: a refusal, a timeout or a cancel is a failed Result with a code.
 */
export function runCommand(port: MessagePort, options: CommandOptions): Promise<CommandResult> {
  const problem = checkCommandSpec(options);
  if (problem) return Promise.resolve(fail('InvalidRequest', problem, { command: options.command }));
  return drive(port, commandStep, initialCommandState(options), {
    signal: options.signal,
    onProgress: options.onProgress,
    onSendError: (error) =>
      fail('SendFailed', `could not send command ${options.command}: ${sendErrorMessage(error)}`, {
        command: options.command,
      }),
  });
}
