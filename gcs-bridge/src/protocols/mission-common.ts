/**
 * Pieces the three mission transactions (upload, download, clear) share: result names, the
 * cancel message, and conversion between MissionItemInt and the wire message.
 */
import { itemBody, type MissionItemInt, type MissionType } from '@aerie/missions';
import { common, type MavLinkData } from 'node-mavlink';
import type { Inbound } from '../codec/types.ts';
import { fail } from '../result.ts';
import type { GcsIdentity, Step, Target } from './machine.ts';
import { addressedToUs, DEFAULT_GCS, DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS, fromTarget } from './machine.ts';

/** MAV_MISSION_RESULT values (MISSION_ACK.type). */
export const MavMissionResult = {
  Accepted: 0,
  Error: 1,
  UnsupportedFrame: 2,
  Unsupported: 3,
  NoSpace: 4,
  Invalid: 5,
  InvalidParam1: 6,
  InvalidParam2: 7,
  InvalidParam3: 8,
  InvalidParam4: 9,
  InvalidParam5X: 10,
  InvalidParam6Y: 11,
  InvalidParam7: 12,
  InvalidSequence: 13,
  Denied: 14,
  /**
   * 15 in common.xml (node-mavlink `common.MavMissionResult.OPERATION_CANCELLED`). Aerie's
   * FIELD-NOTES call it 133; the wire value PX4 checks is this enum constant.
   */
  OperationCancelled: 15,
} as const;

const RESULT_NAMES: Record<number, string> = {
  0: 'ACCEPTED',
  1: 'ERROR',
  2: 'UNSUPPORTED_FRAME',
  3: 'UNSUPPORTED',
  4: 'NO_SPACE',
  5: 'INVALID',
  6: 'INVALID_PARAM1',
  7: 'INVALID_PARAM2',
  8: 'INVALID_PARAM3',
  9: 'INVALID_PARAM4',
  10: 'INVALID_PARAM5_X',
  11: 'INVALID_PARAM6_Y',
  12: 'INVALID_PARAM7',
  13: 'INVALID_SEQUENCE',
  14: 'DENIED',
  15: 'OPERATION_CANCELLED',
};

/** The MAV_MISSION_RESULT name without its prefix, e.g. 'NO_SPACE'. */
export const missionResultName = (value: number): string => RESULT_NAMES[value] ?? `UNKNOWN_${value}`;

/** MAV_MISSION_TYPE_ALL: only meaningful for MISSION_CLEAR_ALL. */
export const MISSION_TYPE_ALL = 255;

const MISSION_TYPE_NAMES: Record<number, string> = { 0: 'mission', 1: 'fence', 2: 'rally', 255: 'all' };
export const missionTypeName = (t: number): string => MISSION_TYPE_NAMES[t] ?? `type ${t}`;

export type MissionErrorCode =
  | 'VehicleRejected'
  | 'Timeout'
  | 'Cancelled'
  | 'ProtocolError'
  | 'InvalidRequest'
  | 'SendFailed';

export interface MissionEndpoint {
  target: Target;
  gcs: GcsIdentity;
  missionType: number;
}

/** What every mission transaction is told: whom to talk to, which list, and how patiently. */
export interface TransferConfig {
  target: Target;
  gcs?: GcsIdentity;
  /** 0 mission, 1 fence, 2 rally (255 all, for clear only). */
  missionType: number;
  /** Silence allowed before the opening message is resent (default 1500 ms). */
  timeoutMs?: number;
  /** Resends tolerated in a row (default 5). */
  retries?: number;
}

/** A transfer's configuration with the spec defaults filled in. */
export interface ResolvedTransfer extends MissionEndpoint {
  timeoutMs: number;
  retries: number;
}

export function resolveTransfer(config: TransferConfig): ResolvedTransfer {
  return {
    target: config.target,
    gcs: config.gcs ?? DEFAULT_GCS,
    missionType: config.missionType,
    timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retries: config.retries ?? DEFAULT_RETRIES,
  };
}

/** Addresses a mission-protocol message to the transfer's vehicle and list. */
export function addressed<M extends { targetSystem: number; targetComponent: number; missionType: number }>(
  m: M,
  ep: MissionEndpoint,
): M {
  m.targetSystem = ep.target.sysid;
  m.targetComponent = ep.target.compid;
  m.missionType = ep.missionType;
  return m;
}

/** MISSION_ACK with OPERATION_CANCELLED: PX4 otherwise stays busy after an abandoned transfer. */
export function cancelAck(ep: MissionEndpoint): common.MissionAck {
  return missionAck(ep, MavMissionResult.OperationCancelled);
}

export function missionAck(ep: MissionEndpoint, type: number): common.MissionAck {
  const m = addressed(new common.MissionAck(), ep);
  m.type = type;
  m.opaqueId = 0;
  return m;
}

/**
 * Ends a mission transaction: its last message if it has one (the final ACK, or a cancel), the
 * timer cleared, the result delivered.
 */
export function endTransfer<C, R>(
  cfg: C,
  result: R,
  last?: MavLinkData,
): Step<{ phase: 'done'; cfg: C }, never, R> {
  return {
    state: { phase: 'done', cfg },
    effects: [
      ...(last ? [{ kind: 'send' as const, message: last }] : []),
      { kind: 'clearTimer' },
      { kind: 'done', result },
    ],
  };
}

/**
 * Gives a transfer up: OPERATION_CANCELLED goes to the vehicle (PX4 stays busy otherwise) and
 * the caller gets a coded failure that says the cancel was sent.
 */
export function abandonTransfer<C extends MissionEndpoint>(
  cfg: C,
  code: MissionErrorCode,
  message: string,
  detail: Record<string, unknown>,
) {
  return endTransfer(
    cfg,
    fail(code, message, { missionType: cfg.missionType, ...detail, cancelSent: true }),
    cancelAck(cfg),
  );
}

/** True when a mission-protocol message is from our vehicle, for us, and of our mission type. */
export function ours(
  ep: MissionEndpoint,
  inbound: Inbound,
  message: { targetSystem?: number; targetComponent?: number; missionType?: number },
): boolean {
  return (
    fromTarget(inbound, ep.target) &&
    addressedToUs(message, ep.gcs) &&
    (message.missionType ?? 0) === ep.missionType
  );
}

export function toWireItem(ep: MissionEndpoint, item: MissionItemInt, seq: number): common.MissionItemInt {
  // Always the transfer's type: PX4 answers an item of another type with ERROR and then
  // stays busy (FIELD-NOTES).
  const m = Object.assign(addressed(new common.MissionItemInt(), ep), itemBody(item));
  m.seq = seq;
  return m;
}

export function fromWireItem(m: common.MissionItemInt): MissionItemInt {
  return { seq: m.seq, ...itemBody(m), missionType: (m.missionType ?? 0) as MissionType };
}

const isInt = (v: number, lo: number, hi: number): boolean => Number.isInteger(v) && v >= lo && v <= hi;

/**
 * Checks items before they go on the wire; returns a message naming the item index and
 * field, or undefined. Sequence numbers must be 0..n-1 in order and every item must carry
 * the transfer's mission type.
 */
export function checkUploadItems(items: readonly MissionItemInt[], missionType: number): string | undefined {
  if (!isInt(missionType, 0, 2))
    return `missionType must be 0 (mission), 1 (fence) or 2 (rally), got ${missionType}`;
  if (items.length > 65535) return `too many items: ${items.length} (MISSION_COUNT is a uint16)`;
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    const at = `item ${i}`;
    if (it.seq !== i)
      return `${at}: seq is ${it.seq}, expected ${i} (items must be numbered 0..n-1 in order)`;
    if (it.missionType !== missionType) {
      return `${at}: missionType is ${it.missionType} (${missionTypeName(it.missionType)}), transfer is ${missionType} (${missionTypeName(missionType)})`;
    }
    if (!isInt(it.frame, 0, 255)) return `${at}: frame must be 0..255, got ${it.frame}`;
    if (!isInt(it.command, 0, 65535)) return `${at}: command must be 0..65535, got ${it.command}`;
    if (!isInt(it.current, 0, 255)) return `${at}: current must be 0..255, got ${it.current}`;
    if (!isInt(it.autocontinue, 0, 255)) return `${at}: autocontinue must be 0..255, got ${it.autocontinue}`;
    if (!isInt(it.x, -2147483648, 2147483647)) return `${at}: x must be an int32 (degE7), got ${it.x}`;
    if (!isInt(it.y, -2147483648, 2147483647)) return `${at}: y must be an int32 (degE7), got ${it.y}`;
    for (const key of ['param1', 'param2', 'param3', 'param4', 'z'] as const) {
      if (typeof it[key] !== 'number') return `${at}: ${key} must be a number, got ${typeof it[key]}`;
    }
  }
  return undefined;
}
