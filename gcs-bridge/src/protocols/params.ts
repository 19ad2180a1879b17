/**
 * Parameter protocol (mavlink devguide en/services/parameter.md): read all, read one, set
 * with read-back. Values are decoded per MAV_PARAM_TYPE with the vehicle's encoding
 * ('bytewise' for PX4, 'cast' for ArduPilot; see param-encoding.ts).
 *
 * Read all:
 *   idle ──started──▶ listing ──PARAM_VALUE (each refreshes the quiet timer)──▶ listing … all ▶ done(ok)
 *                      │ timeout, nothing heard yet: resend PARAM_REQUEST_LIST (retries)
 *                      │ timeout, stream went quiet with gaps ▼
 *                    fetching ──PARAM_VALUE──▶ … batch answered: request the next batch … all ▶ done(ok)
 *                      │ timeout: resend PARAM_REQUEST_READ for the batch's missing indices (retries)
 *                      └ retries spent ▶ done(Timeout, with the missing indices)
 *
 * Read one:  idle ──▶ awaiting ──PARAM_VALUE with that id/index──▶ done(ok); timeout: resend (retries)
 * Set:       idle ──▶ awaiting ──PARAM_VALUE echo, value as set──▶ done(ok)
 *                      │ echo with another value: resend PARAM_SET at once (a stale value can cross
 *                      │ our set); still different when retries are spent ▶ done(ValueRejected)
 *                      └ timeout: resend PARAM_SET (retries) ▶ done(Timeout)
 *
 * Who resends what: the ground station resends everything; the vehicle only answers. The
 * list is streamed once; gaps are filled by index, `batchSize` requests at a time, so a
 * slow radio is not flooded. The retry counter of a read-all resets whenever a batch is
 * fully answered.
 */
import { common } from 'node-mavlink';
import type { MessagePort } from '../codec/types.ts';
import type { Result } from '../result.ts';
import { fail, ok } from '../result.ts';
import type { ProtocolEvent, RunOptions, Step, Target } from './machine.ts';
import {
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT_MS,
  drive,
  fromTarget,
  isMessage,
  sendErrorMessage,
} from './machine.ts';
import type { ParamEncoding } from './param-encoding.ts';
import {
  checkParamValue,
  decodeParamValue,
  encodeParamValue,
  paramTypeName,
  sameParamValue,
} from './param-encoding.ts';

export type ParamErrorCode = 'Timeout' | 'Cancelled' | 'ValueRejected' | 'InvalidRequest' | 'SendFailed';

/** One parameter as read from the vehicle. */
export interface ParamEntry {
  id: string;
  index: number;
  /** MAV_PARAM_TYPE. */
  type: number;
  /** Decoded value (integers as integers). */
  value: number;
  /** The float exactly as it arrived in PARAM_VALUE.param_value. */
  raw: number;
}

interface ParamCommon {
  target: Target;
  encoding: ParamEncoding;
  /** Wait before resending a request (default 1500 ms). */
  timeoutMs?: number;
  /** Resends tolerated in a row (default 5). */
  retries?: number;
}

/** The settings every parameter transaction has, with the spec defaults filled in. */
type ParamResolved = Required<ParamCommon>;

function resolveParamCommon(config: ParamCommon): ParamResolved {
  return {
    target: config.target,
    encoding: config.encoding,
    timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retries: config.retries ?? DEFAULT_RETRIES,
  };
}

/** PARAM_VALUE.param_index for a parameter outside the indexed list. */
const NO_INDEX = 65535;

function entryOf(m: common.ParamValue, encoding: ParamEncoding): ParamEntry {
  return {
    id: m.paramId,
    index: m.paramIndex,
    type: m.paramType,
    value: decodeParamValue(m.paramValue, m.paramType, encoding),
    raw: m.paramValue,
  };
}

function paramValueFrom(target: Target, event: ProtocolEvent): common.ParamValue | undefined {
  if (event.kind !== 'message' || !isMessage(event.inbound, common.ParamValue)) return undefined;
  return fromTarget(event.inbound, target) ? event.inbound.message : undefined;
}

function readRequest(target: Target, by: { id: string } | { index: number }): common.ParamRequestRead {
  const m = new common.ParamRequestRead();
  m.targetSystem = target.sysid;
  m.targetComponent = target.compid;
  if ('id' in by) {
    m.paramId = by.id;
    m.paramIndex = -1;
  } else {
    m.paramId = '';
    m.paramIndex = by.index;
  }
  return m;
}

/** Checks a parameter id; returns a message or undefined. */
export function checkParamId(id: string): string | undefined {
  if (typeof id !== 'string' || id.length === 0 || id.length > 16) {
    return `parameter id must be 1..16 characters, got ${JSON.stringify(id)}`;
  }
  if (!/^[\x20-\x7e]+$/.test(id)) return `parameter id must be printable ASCII, got ${JSON.stringify(id)}`;
  return undefined;
}

// ───────────────────────────── read all ─────────────────────────────

export interface ReadAllConfig extends ParamCommon {
  /** Silence after the last PARAM_VALUE that ends the streamed phase (default 1000 ms). */
  quietMs?: number;
  /** Missing indices requested at a time (default 10). */
  batchSize?: number;
}

export interface ReadAllOptions extends ReadAllConfig, RunOptions<ParamProgress> {}

export interface ParamProgress {
  received: number;
  /** 0 until the first PARAM_VALUE tells the count. */
  total: number;
}

export interface ParamList {
  /** Sorted by index. */
  params: ParamEntry[];
  count: number;
}

export type ReadAllResult = Result<ParamList, ParamErrorCode>;

interface ReadAllResolved extends ParamResolved {
  quietMs: number;
  batchSize: number;
}

export type ReadAllState =
  | { phase: 'idle'; cfg: ReadAllResolved }
  | {
      phase: 'listing';
      cfg: ReadAllResolved;
      listSends: number;
      received: ReadonlyMap<number, ParamEntry>;
      count: number;
    }
  | {
      phase: 'fetching';
      cfg: ReadAllResolved;
      received: ReadonlyMap<number, ParamEntry>;
      count: number;
      batch: readonly number[];
      retries: number;
    }
  | { phase: 'done'; cfg: ReadAllResolved };

type ReadAllStep = Step<ReadAllState, ParamProgress, ReadAllResult>;

export function initialReadAllState(config: ReadAllConfig): ReadAllState {
  return {
    phase: 'idle',
    cfg: {
      ...resolveParamCommon(config),
      quietMs: config.quietMs ?? 1000,
      batchSize: config.batchSize ?? 10,
    },
  };
}

function requestList(target: Target): common.ParamRequestList {
  const m = new common.ParamRequestList();
  m.targetSystem = target.sysid;
  m.targetComponent = target.compid;
  return m;
}

function missing(
  received: ReadonlyMap<number, ParamEntry>,
  count: number,
  limit = Number.POSITIVE_INFINITY,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < count && out.length < limit; i++) if (!received.has(i)) out.push(i);
  return out;
}

function complete(
  cfg: ReadAllResolved,
  received: ReadonlyMap<number, ParamEntry>,
  count: number,
): ReadAllStep {
  const params = [...received.values()].filter((p) => p.index < count).sort((a, b) => a.index - b.index);
  return {
    state: { phase: 'done', cfg },
    effects: [
      { kind: 'progress', progress: { received: params.length, total: count } },
      { kind: 'clearTimer' },
      { kind: 'done', result: ok({ params, count }) },
    ],
  };
}

/** Adds a PARAM_VALUE to the collection; returns undefined when it is not part of the list. */
function collect(
  received: ReadonlyMap<number, ParamEntry>,
  m: common.ParamValue,
  encoding: ParamEncoding,
): { received: ReadonlyMap<number, ParamEntry>; count: number; isNew: boolean } | undefined {
  if (m.paramIndex === NO_INDEX || m.paramIndex >= m.paramCount) return undefined;
  const isNew = !received.has(m.paramIndex);
  const next = new Map(received);
  next.set(m.paramIndex, entryOf(m, encoding));
  return { received: next, count: m.paramCount, isNew };
}

function fetchBatch(
  cfg: ReadAllResolved,
  received: ReadonlyMap<number, ParamEntry>,
  count: number,
  retries: number,
): ReadAllStep {
  const batch = missing(received, count, cfg.batchSize);
  return {
    state: { phase: 'fetching', cfg, received, count, batch, retries },
    effects: [
      ...batch.map((index) => ({ kind: 'send' as const, message: readRequest(cfg.target, { index }) })),
      { kind: 'setTimer', ms: cfg.timeoutMs },
    ],
  };
}

function readAllCancelled(cfg: ReadAllResolved, received: number): ReadAllStep {
  return {
    state: { phase: 'done', cfg },
    effects: [
      { kind: 'clearTimer' },
      { kind: 'done', result: fail('Cancelled', 'parameter download cancelled by the caller', { received }) },
    ],
  };
}

/** The pure transition function of "read all parameters". */
export function readAllStep(state: ReadAllState, event: ProtocolEvent): ReadAllStep {
  const cfg = state.cfg;
  switch (state.phase) {
    case 'idle':
      if (event.kind === 'cancel') return readAllCancelled(cfg, 0);
      if (event.kind !== 'started') return { state, effects: [] };
      return {
        state: { phase: 'listing', cfg, listSends: 1, received: new Map(), count: 0 },
        effects: [
          { kind: 'send', message: requestList(cfg.target) },
          { kind: 'setTimer', ms: cfg.timeoutMs },
        ],
      };
    case 'listing': {
      if (event.kind === 'cancel') return readAllCancelled(cfg, state.received.size);
      if (event.kind === 'timeout') {
        if (state.received.size > 0) return fetchBatch(cfg, state.received, state.count, 0);
        if (state.listSends > cfg.retries) {
          return {
            state: { phase: 'done', cfg },
            effects: [
              {
                kind: 'done',
                result: fail('Timeout', 'no PARAM_VALUE in answer to PARAM_REQUEST_LIST', {
                  sends: state.listSends,
                }),
              },
            ],
          };
        }
        return {
          state: { ...state, listSends: state.listSends + 1 },
          effects: [
            { kind: 'send', message: requestList(cfg.target) },
            { kind: 'setTimer', ms: cfg.timeoutMs },
          ],
        };
      }
      const m = paramValueFrom(cfg.target, event);
      const added = m && collect(state.received, m, cfg.encoding);
      if (!added) return { state, effects: [] };
      if (missing(added.received, added.count, 1).length === 0)
        return complete(cfg, added.received, added.count);
      return {
        state: { ...state, received: added.received, count: added.count },
        effects: [
          { kind: 'progress', progress: { received: added.received.size, total: added.count } },
          { kind: 'setTimer', ms: cfg.quietMs },
        ],
      };
    }
    case 'fetching': {
      if (event.kind === 'cancel') return readAllCancelled(cfg, state.received.size);
      if (event.kind === 'timeout') {
        const retries = state.retries + 1;
        const stillMissing = state.batch.filter((i) => !state.received.has(i));
        if (retries > cfg.retries) {
          const gaps = missing(state.received, state.count);
          return {
            state: { phase: 'done', cfg },
            effects: [
              {
                kind: 'done',
                result: fail('Timeout', `${gaps.length} of ${state.count} parameters never arrived`, {
                  received: state.received.size,
                  count: state.count,
                  missingCount: gaps.length,
                  missing: gaps.slice(0, 50),
                  partial: [...state.received.values()].sort((a, b) => a.index - b.index),
                }),
              },
            ],
          };
        }
        return {
          state: { ...state, batch: stillMissing, retries },
          effects: [
            ...stillMissing.map((index) => ({
              kind: 'send' as const,
              message: readRequest(cfg.target, { index }),
            })),
            { kind: 'setTimer', ms: cfg.timeoutMs },
          ],
        };
      }
      const m = paramValueFrom(cfg.target, event);
      const added = m && collect(state.received, m, cfg.encoding);
      if (!added) return { state, effects: [] };
      if (missing(added.received, added.count, 1).length === 0)
        return complete(cfg, added.received, added.count);
      const progress = {
        kind: 'progress' as const,
        progress: { received: added.received.size, total: added.count },
      };
      const batchDone = state.batch.every((i) => added.received.has(i));
      if (batchDone) {
        const next = fetchBatch(cfg, added.received, added.count, 0);
        return { state: next.state, effects: [progress, ...next.effects] };
      }
      return { state: { ...state, received: added.received, count: added.count }, effects: [progress] };
    }
    case 'done':
      return { state, effects: [] };
  }
}

/** Reads the whole parameter list, re-requesting by index whatever the stream dropped. */
export function readAllParams(port: MessagePort, options: ReadAllOptions): Promise<ReadAllResult> {
  if (options.target.compid === 0) {
    // Every component keeps its own list with its own indices; answers from several would mix.
    return Promise.resolve(
      fail(
        'InvalidRequest',
        'read-all needs one component id (e.g. 1 for the autopilot), not 0 (all components)',
      ),
    );
  }
  return drive(port, readAllStep, initialReadAllState(options), {
    signal: options.signal,
    onProgress: options.onProgress,
    onSendError: (error) =>
      fail('SendFailed', `could not send a parameter request: ${sendErrorMessage(error)}`),
  });
}

// ───────────────────────────── read one ─────────────────────────────

export interface ReadParamConfig extends ParamCommon {
  /** By name (preferred) or by index. */
  id?: string;
  index?: number;
}

export interface ReadParamOptions extends ReadParamConfig, RunOptions<never> {}

export type ReadParamResult = Result<ParamEntry, ParamErrorCode>;

interface ReadOneResolved extends ParamResolved {
  by: { id: string } | { index: number };
}

export type ReadParamState =
  | { phase: 'idle'; cfg: ReadOneResolved }
  | { phase: 'awaiting'; cfg: ReadOneResolved; sends: number }
  | { phase: 'done'; cfg: ReadOneResolved };

type ReadOneStep = Step<ReadParamState, never, ReadParamResult>;

export function initialReadParamState(config: ReadParamConfig): ReadParamState {
  return {
    phase: 'idle',
    cfg: {
      ...resolveParamCommon(config),
      by: config.id !== undefined ? { id: config.id } : { index: config.index ?? 0 },
    },
  };
}

const label = (by: { id: string } | { index: number }): string =>
  'id' in by ? `parameter ${by.id}` : `parameter #${by.index}`;

/** The pure transition function of "read one parameter". */
export function readParamStep(state: ReadParamState, event: ProtocolEvent): ReadOneStep {
  const cfg = state.cfg;
  const done = (result: ReadParamResult): ReadOneStep => ({
    state: { phase: 'done', cfg },
    effects: [{ kind: 'clearTimer' }, { kind: 'done', result }],
  });
  switch (state.phase) {
    case 'idle':
      if (event.kind === 'cancel') return done(fail('Cancelled', `read of ${label(cfg.by)} cancelled`));
      if (event.kind !== 'started') return { state, effects: [] };
      return {
        state: { phase: 'awaiting', cfg, sends: 1 },
        effects: [
          { kind: 'send', message: readRequest(cfg.target, cfg.by) },
          { kind: 'setTimer', ms: cfg.timeoutMs },
        ],
      };
    case 'awaiting': {
      if (event.kind === 'cancel') return done(fail('Cancelled', `read of ${label(cfg.by)} cancelled`));
      if (event.kind === 'timeout') {
        if (state.sends > cfg.retries) {
          return done(
            fail('Timeout', `no PARAM_VALUE for ${label(cfg.by)} (does it exist?)`, {
              ...cfg.by,
              sends: state.sends,
            }),
          );
        }
        return {
          state: { ...state, sends: state.sends + 1 },
          effects: [
            { kind: 'send', message: readRequest(cfg.target, cfg.by) },
            { kind: 'setTimer', ms: cfg.timeoutMs },
          ],
        };
      }
      const m = paramValueFrom(cfg.target, event);
      if (!m) return { state, effects: [] };
      const match = 'id' in cfg.by ? m.paramId === cfg.by.id : m.paramIndex === cfg.by.index;
      return match ? done(ok(entryOf(m, cfg.encoding))) : { state, effects: [] };
    }
    case 'done':
      return { state, effects: [] };
  }
}

/** Reads one parameter by id (or index). */
export function readParam(port: MessagePort, options: ReadParamOptions): Promise<ReadParamResult> {
  if (options.id !== undefined) {
    const problem = checkParamId(options.id);
    if (problem) return Promise.resolve(fail('InvalidRequest', problem));
  } else if (!Number.isInteger(options.index) || (options.index ?? -1) < 0 || (options.index ?? 0) > 65534) {
    return Promise.resolve(
      fail('InvalidRequest', `give a parameter id, or an index 0..65534 (got ${options.index})`),
    );
  }
  return drive(port, readParamStep, initialReadParamState(options), {
    signal: options.signal,
    onSendError: (error) =>
      fail('SendFailed', `could not send PARAM_REQUEST_READ: ${sendErrorMessage(error)}`),
  });
}

// ───────────────────────────── set ─────────────────────────────

export interface SetParamConfig extends ParamCommon {
  id: string;
  value: number;
  /** MAV_PARAM_TYPE of the parameter (PX4 refuses a set whose type differs from the parameter's). */
  type: number;
}

export interface SetParamOptions extends SetParamConfig, RunOptions<never> {}

export type SetParamResult = Result<ParamEntry, ParamErrorCode>;

interface SetResolved extends ParamResolved {
  id: string;
  value: number;
  type: number;
}

export type SetParamState =
  | { phase: 'idle'; cfg: SetResolved }
  | { phase: 'awaiting'; cfg: SetResolved; sends: number; lastEcho?: ParamEntry }
  | { phase: 'done'; cfg: SetResolved };

type SetStep = Step<SetParamState, never, SetParamResult>;

export function initialSetParamState(config: SetParamConfig): SetParamState {
  return {
    phase: 'idle',
    cfg: { ...resolveParamCommon(config), id: config.id, value: config.value, type: config.type },
  };
}

function setMessage(cfg: SetResolved): common.ParamSet {
  const m = new common.ParamSet();
  m.targetSystem = cfg.target.sysid;
  m.targetComponent = cfg.target.compid;
  m.paramId = cfg.id;
  m.paramValue = encodeParamValue(cfg.value, cfg.type, cfg.encoding);
  m.paramType = cfg.type;
  return m;
}

/** The pure transition function of "set a parameter and read it back". */
export function setParamStep(state: SetParamState, event: ProtocolEvent): SetStep {
  const cfg = state.cfg;
  const done = (result: SetParamResult): SetStep => ({
    state: { phase: 'done', cfg },
    effects: [{ kind: 'clearTimer' }, { kind: 'done', result }],
  });
  const resend = (s: Extract<SetParamState, { phase: 'awaiting' }>, lastEcho?: ParamEntry): SetStep => ({
    state: { ...s, sends: s.sends + 1, ...(lastEcho ? { lastEcho } : {}) },
    effects: [
      { kind: 'send', message: setMessage(cfg) },
      { kind: 'setTimer', ms: cfg.timeoutMs },
    ],
  });
  switch (state.phase) {
    case 'idle':
      if (event.kind === 'cancel') return done(fail('Cancelled', `set of ${cfg.id} cancelled`));
      if (event.kind !== 'started') return { state, effects: [] };
      return {
        state: { phase: 'awaiting', cfg, sends: 1 },
        effects: [
          { kind: 'send', message: setMessage(cfg) },
          { kind: 'setTimer', ms: cfg.timeoutMs },
        ],
      };
    case 'awaiting': {
      if (event.kind === 'cancel') {
        return done(fail('Cancelled', `set of ${cfg.id} cancelled (the vehicle may have applied it)`));
      }
      if (event.kind === 'timeout') {
        if (state.sends > cfg.retries) {
          return done(
            fail('Timeout', `no PARAM_VALUE echo for ${cfg.id} after ${state.sends} PARAM_SETs`, {
              id: cfg.id,
              sends: state.sends,
            }),
          );
        }
        return resend(state);
      }
      const m = paramValueFrom(cfg.target, event);
      if (!m || m.paramId !== cfg.id) return { state, effects: [] };
      const echo = entryOf(m, cfg.encoding);
      if (echo.type === cfg.type && sameParamValue(cfg.value, echo.value, cfg.type, cfg.encoding)) {
        return done(ok(echo));
      }
      if (state.sends > cfg.retries) {
        return done(
          fail(
            'ValueRejected',
            `vehicle kept ${cfg.id} at ${echo.value} (${paramTypeName(echo.type)}), not ${cfg.value}`,
            {
              id: cfg.id,
              requested: cfg.value,
              requestedType: paramTypeName(cfg.type),
              echoed: echo.value,
              echoedType: paramTypeName(echo.type),
              sends: state.sends,
            },
          ),
        );
      }
      return resend(state, echo);
    }
    case 'done':
      return { state, effects: [] };
  }
}

/** Sets a parameter and resolves once the vehicle echoes the new value back. */
export function setParam(port: MessagePort, options: SetParamOptions): Promise<SetParamResult> {
  const problem = checkParamId(options.id) ?? checkParamValue(options.value, options.type);
  if (problem)
    return Promise.resolve(fail('InvalidRequest', `${options.id}: ${problem}`, { id: options.id }));
  return drive(port, setParamStep, initialSetParamState(options), {
    signal: options.signal,
    onSendError: (error) =>
      fail('SendFailed', `could not send PARAM_SET ${options.id}: ${sendErrorMessage(error)}`),
  });
}
