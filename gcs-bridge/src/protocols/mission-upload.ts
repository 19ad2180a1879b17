/**
 * Mission upload (ground station -> vehicle), for mission, fence and rally lists alike.
 *
 *   idle ──started──▶ awaitingFirstRequest ──REQUEST(_INT) seq──▶ sending ──ACK ACCEPTED, all sent──▶ done(ok, opaqueId)
 *                       │  ▲                                      │  ▲
 *   timeout, retries ≤ n│  │ resend MISSION_COUNT                 │  │ REQUEST(_INT) seq (any order,
 *                       └──┘                                      └──┘  repeats normal): send MISSION_ITEM_INT seq
 *
 *   sending ──timeout──▶ (retry) all items sent: resend the last requested item, since PX4
 *                                 answers a repeated last item with the final ACK again;
 *                                 otherwise just keep waiting: the vehicle drives the transfer
 *   any ──ACK error (NACK)────────────────▶ done(VehicleRejected) + MISSION_ACK OPERATION_CANCELLED
 *   any ──retries spent / request ≥ count─▶ done(Timeout / ProtocolError) + MISSION_ACK OPERATION_CANCELLED
 *   any ──cancel──────────────────────────▶ done(Cancelled) + MISSION_ACK OPERATION_CANCELLED
 *
 * Who resends what (mavlink devguide mission.md; MAVSDK mavlink_mission_transfer_client.cpp;
 * QGroundControl PlanManager.cc; PX4 mavlink_mission.cpp):
 * - Ground station: MISSION_COUNT, after each silent `timeoutMs` until the first request.
 * - Vehicle: item requests. PX4 re-requests an item after ~250 ms on its own; so, like MAVSDK
 *   and QGroundControl, we never resend items mid-transfer, we answer every request.
 *   A repeated request for an item already sent counts as a retry (MAVSDK does the same), so a
 *   vehicle that never hears our items cannot keep the transfer alive forever; the retry
 *   counter resets whenever the vehicle asks for an item it has not had before.
 * - Final ACK lost: the ground station resends the last requested item after `timeoutMs`;
 *   PX4, idle again, answers a duplicate of the last item with MISSION_ACK ACCEPTED and the
 *   same opaque_id.
 * - Every failure after MISSION_COUNT went out sends MISSION_ACK OPERATION_CANCELLED: PX4 stays
 *   "busy" after some errors (an item of the wrong mission type) until it gets one, and it is
 *   harmless when the vehicle has already reset itself.
 *
 * ArduPilot quirks handled: it may ask with legacy MISSION_REQUEST (we still answer with
 * MISSION_ITEM_INT, as the spec says), and it sends spurious MISSION_ACK INVALID_SEQUENCE when
 * a noisy link duplicates requests; those are not fatal (QGroundControl ignores them too): the
 * timeouts end a transfer that is really stuck, and the last one is reported in the detail.
 * An empty list (count 0) is valid and clears the vehicle's list (PX4 acks it at once).
 */
import type { MissionItemInt } from '@aerie/missions';
import { common } from 'node-mavlink';
import type { MessagePort } from '../codec/types.ts';
import type { Result } from '../result.ts';
import { fail, ok } from '../result.ts';
import type { ProtocolEvent, RunOptions, Step } from './machine.ts';
import { drive, isMessage, sendErrorMessage } from './machine.ts';
import type { MissionErrorCode, ResolvedTransfer, TransferConfig } from './mission-common.ts';
import {
  abandonTransfer,
  addressed,
  checkUploadItems,
  endTransfer,
  MavMissionResult,
  missionResultName,
  missionTypeName,
  ours,
  resolveTransfer,
  toWireItem,
} from './mission-common.ts';

/** timeoutMs is also the silence allowed between requests; retries counts repeated requests too. */
export interface UploadConfig extends TransferConfig {
  /** Items numbered 0..n-1, each with the same missionType. */
  items: readonly MissionItemInt[];
}

export interface UploadOptions extends UploadConfig, RunOptions<UploadProgress> {}

export interface UploadProgress {
  /** Distinct items sent at least once. */
  sent: number;
  total: number;
}

export interface UploadSuccess {
  /** MISSION_ACK.opaque_id: PX4's CRC32 of the stored list (0 when the vehicle has none). */
  opaqueId: number;
  count: number;
}

export type UploadResult = Result<UploadSuccess, MissionErrorCode>;

interface Resolved extends ResolvedTransfer {
  items: readonly MissionItemInt[];
}

export type UploadState =
  | { phase: 'idle'; cfg: Resolved }
  | { phase: 'awaitingFirstRequest'; cfg: Resolved; countSends: number; lastNack?: number }
  | {
      phase: 'sending';
      cfg: Resolved;
      sent: ReadonlySet<number>;
      lastRequested: number;
      retries: number;
      itemSends: number;
      lastNack?: number;
    }
  | { phase: 'done'; cfg: Resolved };

type UploadStep = Step<UploadState, UploadProgress, UploadResult>;

export function initialUploadState(config: UploadConfig): UploadState {
  return {
    phase: 'idle',
    cfg: { ...resolveTransfer(config), items: config.items },
  };
}

function countMessage(cfg: Resolved): common.MissionCount {
  const m = addressed(new common.MissionCount(), cfg);
  m.count = cfg.items.length;
  m.opaqueId = 0;
  return m;
}

const what = (cfg: Resolved): string =>
  `${missionTypeName(cfg.missionType)} upload (${cfg.items.length} items)`;

type Ack = common.MissionAck;
type Request = common.MissionRequestInt | common.MissionRequest;

function classify(cfg: Resolved, event: ProtocolEvent): { ack?: Ack; request?: Request } {
  if (event.kind !== 'message') return {};
  const inbound = event.inbound;
  if (isMessage(inbound, common.MissionAck)) {
    return ours(cfg, inbound, inbound.message) ? { ack: inbound.message } : {};
  }
  if (isMessage(inbound, common.MissionRequestInt) || isMessage(inbound, common.MissionRequest)) {
    const request = inbound.message as Request;
    return ours(cfg, inbound, request) ? { request } : {};
  }
  return {};
}

function onRequest(
  cfg: Resolved,
  seq: number,
  prev: { sent: ReadonlySet<number>; retries: number; itemSends: number; lastNack?: number },
): UploadStep {
  const total = cfg.items.length;
  if (seq >= total) {
    return abandonTransfer(
      cfg,
      'ProtocolError',
      `vehicle requested item ${seq} but the ${what(cfg)} has only ${total}`,
      {
        requestedSeq: seq,
        count: total,
      },
    );
  }
  const repeat = prev.sent.has(seq);
  const retries = repeat ? prev.retries + 1 : 0;
  if (retries > cfg.retries) {
    return abandonTransfer(cfg, 'Timeout', `vehicle kept re-requesting item ${seq} of the ${what(cfg)}`, {
      requestedSeq: seq,
      sent: prev.sent.size,
      count: total,
    });
  }
  const sent = repeat ? prev.sent : new Set([...prev.sent, seq]);
  const item = cfg.items[seq]!;
  return {
    state: {
      phase: 'sending',
      cfg,
      sent,
      lastRequested: seq,
      retries,
      itemSends: prev.itemSends + 1,
      ...(prev.lastNack !== undefined ? { lastNack: prev.lastNack } : {}),
    },
    effects: [
      { kind: 'send', message: toWireItem(cfg, item, seq) },
      ...(repeat ? [] : [{ kind: 'progress' as const, progress: { sent: sent.size, total } }]),
      { kind: 'setTimer', ms: cfg.timeoutMs },
    ],
  };
}

function onAck(cfg: Resolved, ack: Ack, sentCount: number): UploadStep | undefined {
  const total = cfg.items.length;
  if (ack.type === MavMissionResult.Accepted) {
    if (sentCount >= total) {
      return endTransfer(cfg, ok({ opaqueId: ack.opaqueId ?? 0, count: total }));
    }
    return abandonTransfer(
      cfg,
      'ProtocolError',
      `vehicle accepted the ${what(cfg)} after only ${sentCount} items were sent`,
      { sent: sentCount, count: total },
    );
  }
  if (ack.type === MavMissionResult.InvalidSequence) return undefined;
  const name = missionResultName(ack.type);
  return abandonTransfer(cfg, 'VehicleRejected', `vehicle rejected the ${what(cfg)}: ${name}`, {
    missionResult: ack.type,
    missionResultName: name,
    sent: sentCount,
    count: total,
  });
}

/** The pure transition function of mission upload. */
export function uploadStep(state: UploadState, event: ProtocolEvent): UploadStep {
  const cfg = state.cfg;
  switch (state.phase) {
    case 'idle':
      if (event.kind === 'cancel') {
        return endTransfer(cfg, fail('Cancelled', `${what(cfg)} cancelled before it started`));
      }
      if (event.kind !== 'started') return { state, effects: [] };
      return {
        state: { phase: 'awaitingFirstRequest', cfg, countSends: 1 },
        effects: [
          { kind: 'progress', progress: { sent: 0, total: cfg.items.length } },
          { kind: 'send', message: countMessage(cfg) },
          { kind: 'setTimer', ms: cfg.timeoutMs },
        ],
      };
    case 'awaitingFirstRequest': {
      if (event.kind === 'cancel') {
        return abandonTransfer(cfg, 'Cancelled', `${what(cfg)} cancelled by the caller`, { sent: 0 });
      }
      if (event.kind === 'timeout') {
        if (state.countSends > cfg.retries) {
          return abandonTransfer(cfg, 'Timeout', `no answer to MISSION_COUNT for the ${what(cfg)}`, {
            countSends: state.countSends,
            sent: 0,
            ...nackDetail(state.lastNack),
          });
        }
        return {
          state: { ...state, countSends: state.countSends + 1 },
          effects: [
            { kind: 'send', message: countMessage(cfg) },
            { kind: 'setTimer', ms: cfg.timeoutMs },
          ],
        };
      }
      const { ack, request } = classify(cfg, event);
      if (request) {
        return onRequest(cfg, request.seq, {
          sent: new Set(),
          retries: 0,
          itemSends: 0,
          ...(state.lastNack !== undefined ? { lastNack: state.lastNack } : {}),
        });
      }
      if (ack) {
        // An ACCEPTED before any request can only be a late duplicate from an earlier
        // transfer (unless the list is empty, which the vehicle accepts at once).
        const stale = ack.type === MavMissionResult.Accepted && cfg.items.length > 0;
        const out = stale ? undefined : onAck(cfg, ack, 0);
        return out ?? { state: { ...state, lastNack: ack.type }, effects: [] };
      }
      return { state, effects: [] };
    }
    case 'sending': {
      if (event.kind === 'cancel') {
        return abandonTransfer(cfg, 'Cancelled', `${what(cfg)} cancelled by the caller`, {
          sent: state.sent.size,
        });
      }
      if (event.kind === 'timeout') {
        const retries = state.retries + 1;
        const allSent = state.sent.size >= cfg.items.length;
        if (retries > cfg.retries) {
          return abandonTransfer(
            cfg,
            'Timeout',
            allSent
              ? `vehicle never sent the final MISSION_ACK for the ${what(cfg)}`
              : `vehicle stopped requesting items of the ${what(cfg)} after ${state.sent.size}`,
            {
              sent: state.sent.size,
              count: cfg.items.length,
              finalAckMissing: allSent,
              ...nackDetail(state.lastNack),
            },
          );
        }
        const item = cfg.items[state.lastRequested]!;
        return {
          state: { ...state, retries },
          effects: [
            ...(allSent
              ? [{ kind: 'send' as const, message: toWireItem(cfg, item, state.lastRequested) }]
              : []),
            { kind: 'setTimer', ms: cfg.timeoutMs },
          ],
        };
      }
      const { ack, request } = classify(cfg, event);
      if (request) return onRequest(cfg, request.seq, state);
      if (ack) {
        const out = onAck(cfg, ack, state.sent.size);
        return out ?? { state: { ...state, lastNack: ack.type }, effects: [] };
      }
      return { state, effects: [] };
    }
    case 'done':
      return { state, effects: [] };
  }
}

const nackDetail = (nack: number | undefined): Record<string, unknown> =>
  nack === undefined ? {} : { lastIgnoredAck: missionResultName(nack) };

/**
 * Uploads a mission, fence or rally list. Resolves with the vehicle's opaque id for the
 * stored list, or a coded failure ('VehicleRejected' carries missionResultName, e.g. 'NO_SPACE').
 */
export function uploadMission(port: MessagePort, options: UploadOptions): Promise<UploadResult> {
  const problem = checkUploadItems(options.items, options.missionType);
  if (problem) return Promise.resolve(fail('InvalidRequest', problem, { missionType: options.missionType }));
  return drive(port, uploadStep, initialUploadState(options), {
    signal: options.signal,
    onProgress: options.onProgress,
    onSendError: (error) =>
      fail('SendFailed', `could not send during mission upload: ${sendErrorMessage(error)}`, {
        missionType: options.missionType,
      }),
  });
}
