/**
 * Mission download (vehicle -> ground station), for mission, fence and rally lists alike.
 *
 *   idle ──started──▶ awaitingCount ──MISSION_COUNT n=0──▶ done(ok, []) + MISSION_ACK ACCEPTED
 *                       │  ▲        ──MISSION_COUNT n>0──▶ requesting(seq 0)
 *   timeout, retries ≤ k│  │ resend MISSION_REQUEST_LIST
 *                       └──┘
 *   requesting(seq) ──MISSION_ITEM_INT seq──▶ requesting(seq+1) … last ──▶ done(ok) + MISSION_ACK ACCEPTED
 *        │  ▲    ──MISSION_ITEM_INT other seq──▶ ignored (spec: out-of-sequence items are dropped
 *        └──┘                                    and the expected one re-requested by the timer)
 *   timeout (250 ms per item), retries ≤ k: resend MISSION_REQUEST_INT seq
 *   any ──MISSION_ACK error──▶ done(VehicleRejected)
 *   any ──retries spent──▶ done(Timeout) + MISSION_ACK OPERATION_CANCELLED
 *   any ──cancel──▶ done(Cancelled) + MISSION_ACK OPERATION_CANCELLED
 *
 * Who resends what: the ground station drives a download, so it resends everything:
 * MISSION_REQUEST_LIST after `timeoutMs` (1500 ms) until the count arrives, and each
 * MISSION_REQUEST_INT after `itemTimeoutMs` (250 ms) until that item arrives. The retry counter
 * resets whenever an item arrives (MAVSDK and QGroundControl do the same). Items are always
 * requested with MISSION_REQUEST_INT; a vehicle that only answers with float MISSION_ITEM is
 * not supported.
 *
 * ArduPilot's mission list (type 0) starts with its home position at seq 0; the items come
 * back exactly as the vehicle numbers them, and stripping home is the autopilot layer's job.
 */
import type { MissionItemInt } from '@aerie/missions';
import { common } from 'node-mavlink';
import type { MessagePort } from '../codec/types.ts';
import type { Result } from '../result.ts';
import { fail, ok } from '../result.ts';
import type { ProtocolEvent, RunOptions, Step } from './machine.ts';
import { DEFAULT_ITEM_TIMEOUT_MS, drive, isMessage, sendErrorMessage } from './machine.ts';
import type { MissionErrorCode, ResolvedTransfer, TransferConfig } from './mission-common.ts';
import {
  abandonTransfer,
  addressed,
  endTransfer,
  fromWireItem,
  MavMissionResult,
  missionAck,
  missionResultName,
  missionTypeName,
  ours,
  resolveTransfer,
} from './mission-common.ts';

/** timeoutMs is the wait for MISSION_COUNT before the request is resent. */
export interface DownloadConfig extends TransferConfig {
  /** Wait for each item before re-requesting it (default 250 ms). */
  itemTimeoutMs?: number;
}

export interface DownloadOptions extends DownloadConfig, RunOptions<DownloadProgress> {}

export interface DownloadProgress {
  received: number;
  total: number;
}

export interface DownloadSuccess {
  items: MissionItemInt[];
  /** MISSION_COUNT.opaque_id: the vehicle's id of the stored list (0 if it keeps none). */
  opaqueId: number;
}

export type DownloadResult = Result<DownloadSuccess, MissionErrorCode>;

interface Resolved extends ResolvedTransfer {
  itemTimeoutMs: number;
}

export type DownloadState =
  | { phase: 'idle'; cfg: Resolved }
  | { phase: 'awaitingCount'; cfg: Resolved; sends: number }
  | {
      phase: 'requesting';
      cfg: Resolved;
      count: number;
      opaqueId: number;
      items: readonly MissionItemInt[];
      retries: number;
    }
  | { phase: 'done'; cfg: Resolved };

type DownloadStep = Step<DownloadState, DownloadProgress, DownloadResult>;

export function initialDownloadState(config: DownloadConfig): DownloadState {
  return {
    phase: 'idle',
    cfg: { ...resolveTransfer(config), itemTimeoutMs: config.itemTimeoutMs ?? DEFAULT_ITEM_TIMEOUT_MS },
  };
}

function requestList(cfg: Resolved): common.MissionRequestList {
  return addressed(new common.MissionRequestList(), cfg);
}

function requestItem(cfg: Resolved, seq: number): common.MissionRequestInt {
  const m = addressed(new common.MissionRequestInt(), cfg);
  m.seq = seq;
  return m;
}

const what = (cfg: Resolved): string => `${missionTypeName(cfg.missionType)} download`;

function vehicleAck(cfg: Resolved, event: ProtocolEvent): common.MissionAck | undefined {
  if (event.kind !== 'message' || !isMessage(event.inbound, common.MissionAck)) return undefined;
  const ack = event.inbound.message;
  return ours(cfg, event.inbound, ack) ? ack : undefined;
}

function rejected(cfg: Resolved, ack: common.MissionAck, received: number): DownloadStep {
  const name = missionResultName(ack.type);
  return endTransfer(
    cfg,
    fail('VehicleRejected', `vehicle ended the ${what(cfg)} with ${name}`, {
      missionType: cfg.missionType,
      missionResult: ack.type,
      missionResultName: name,
      received,
    }),
    undefined,
  );
}

/** The pure transition function of mission download. */
export function downloadStep(state: DownloadState, event: ProtocolEvent): DownloadStep {
  const cfg = state.cfg;
  switch (state.phase) {
    case 'idle':
      if (event.kind === 'cancel')
        return endTransfer(cfg, fail('Cancelled', `${what(cfg)} cancelled before it started`), undefined);
      if (event.kind !== 'started') return { state, effects: [] };
      return {
        state: { phase: 'awaitingCount', cfg, sends: 1 },
        effects: [
          { kind: 'send', message: requestList(cfg) },
          { kind: 'setTimer', ms: cfg.timeoutMs },
        ],
      };
    case 'awaitingCount': {
      if (event.kind === 'cancel')
        return abandonTransfer(cfg, 'Cancelled', `${what(cfg)} cancelled by the caller`, {});
      if (event.kind === 'timeout') {
        if (state.sends > cfg.retries) {
          return abandonTransfer(cfg, 'Timeout', `no MISSION_COUNT in answer to the ${what(cfg)} request`, {
            requestSends: state.sends,
          });
        }
        return {
          state: { ...state, sends: state.sends + 1 },
          effects: [
            { kind: 'send', message: requestList(cfg) },
            { kind: 'setTimer', ms: cfg.timeoutMs },
          ],
        };
      }
      const ack = vehicleAck(cfg, event);
      if (ack && ack.type !== MavMissionResult.Accepted) return rejected(cfg, ack, 0);
      if (event.kind !== 'message' || !isMessage(event.inbound, common.MissionCount))
        return { state, effects: [] };
      const countMsg = event.inbound.message;
      if (!ours(cfg, event.inbound, countMsg)) return { state, effects: [] };
      const opaqueId = countMsg.opaqueId ?? 0;
      if (countMsg.count === 0) {
        return endTransfer(cfg, ok({ items: [], opaqueId }), missionAck(cfg, MavMissionResult.Accepted));
      }
      return {
        state: { phase: 'requesting', cfg, count: countMsg.count, opaqueId, items: [], retries: 0 },
        effects: [
          { kind: 'progress', progress: { received: 0, total: countMsg.count } },
          { kind: 'send', message: requestItem(cfg, 0) },
          { kind: 'setTimer', ms: cfg.itemTimeoutMs },
        ],
      };
    }
    case 'requesting': {
      const next = state.items.length;
      if (event.kind === 'cancel') {
        return abandonTransfer(cfg, 'Cancelled', `${what(cfg)} cancelled by the caller`, { received: next });
      }
      if (event.kind === 'timeout') {
        const retries = state.retries + 1;
        if (retries > cfg.retries) {
          return abandonTransfer(cfg, 'Timeout', `vehicle did not send item ${next} of the ${what(cfg)}`, {
            received: next,
            count: state.count,
            missingSeq: next,
          });
        }
        return {
          state: { ...state, retries },
          effects: [
            { kind: 'send', message: requestItem(cfg, next) },
            { kind: 'setTimer', ms: cfg.itemTimeoutMs },
          ],
        };
      }
      const ack = vehicleAck(cfg, event);
      if (ack && ack.type !== MavMissionResult.Accepted) return rejected(cfg, ack, next);
      if (event.kind !== 'message' || !isMessage(event.inbound, common.MissionItemInt))
        return { state, effects: [] };
      const wire = event.inbound.message;
      if (!ours(cfg, event.inbound, wire) || wire.seq !== next) return { state, effects: [] };
      const items = [...state.items, fromWireItem(wire)];
      const progress = {
        kind: 'progress' as const,
        progress: { received: items.length, total: state.count },
      };
      if (items.length === state.count) {
        return {
          state: { phase: 'done', cfg },
          effects: [
            progress,
            { kind: 'send', message: missionAck(cfg, MavMissionResult.Accepted) },
            { kind: 'clearTimer' },
            { kind: 'done', result: ok({ items, opaqueId: state.opaqueId }) },
          ],
        };
      }
      return {
        state: { ...state, items, retries: 0 },
        effects: [
          progress,
          { kind: 'send', message: requestItem(cfg, items.length) },
          { kind: 'setTimer', ms: cfg.itemTimeoutMs },
        ],
      };
    }
    case 'done':
      return { state, effects: [] };
  }
}

/** Downloads a mission, fence or rally list with the vehicle's opaque id for it. */
export function downloadMission(port: MessagePort, options: DownloadOptions): Promise<DownloadResult> {
  if (![0, 1, 2].includes(options.missionType)) {
    return Promise.resolve(
      fail(
        'InvalidRequest',
        `missionType must be 0 (mission), 1 (fence) or 2 (rally), got ${options.missionType}`,
      ),
    );
  }
  return drive(port, downloadStep, initialDownloadState(options), {
    signal: options.signal,
    onProgress: options.onProgress,
    onSendError: (error) =>
      fail('SendFailed', `could not send during mission download: ${sendErrorMessage(error)}`, {
        missionType: options.missionType,
      }),
  });
}
