/**
 * Mission clear: MISSION_CLEAR_ALL (with mission_type) -> MISSION_ACK.
 *
 *   idle ──started──▶ awaitingAck ──MISSION_ACK ACCEPTED──▶ done(ok)
 *                       │  ▲      ──MISSION_ACK error────▶ done(VehicleRejected)
 *   timeout, retries ≤ n│  │ resend MISSION_CLEAR_ALL
 *                       └──┘      ──retries spent──▶ done(Timeout)
 *   awaitingAck ──cancel──▶ done(Cancelled)
 *
 * Who resends what: the ground station resends MISSION_CLEAR_ALL after each silent
 * `timeoutMs`; clearing twice is harmless. PX4 ignores a clear while a transfer is running
 * (it logs "IGN CLEAR CMD: Busy" and sends nothing), which ends here as a Timeout.
 * mission_type 255 (MAV_MISSION_TYPE_ALL) clears all three lists on PX4.
 */
import { common } from 'node-mavlink';
import type { MessagePort } from '../codec/types.ts';
import type { Result } from '../result.ts';
import { fail, ok } from '../result.ts';
import type { ProtocolEvent, RunOptions, Step } from './machine.ts';
import { drive, isMessage, sendErrorMessage } from './machine.ts';
import type { MissionErrorCode, ResolvedTransfer, TransferConfig } from './mission-common.ts';
import {
  addressed,
  endTransfer,
  MavMissionResult,
  MISSION_TYPE_ALL,
  missionResultName,
  missionTypeName,
  ours,
  resolveTransfer,
} from './mission-common.ts';

/** missionType 255 clears all three lists. */
export type ClearConfig = TransferConfig;

export interface ClearOptions extends ClearConfig, RunOptions<never> {}

export type ClearResult = Result<{ missionType: number }, MissionErrorCode>;

type Resolved = ResolvedTransfer;

export type ClearState =
  | { phase: 'idle'; cfg: Resolved }
  | { phase: 'awaitingAck'; cfg: Resolved; sends: number }
  | { phase: 'done'; cfg: Resolved };

type ClearStep = Step<ClearState, never, ClearResult>;

export function initialClearState(config: ClearConfig): ClearState {
  return {
    phase: 'idle',
    cfg: resolveTransfer(config),
  };
}

function clearMessage(cfg: Resolved): common.MissionClearAll {
  return addressed(new common.MissionClearAll(), cfg);
}

/** The pure transition function of mission clear. */
export function clearStep(state: ClearState, event: ProtocolEvent): ClearStep {
  const cfg = state.cfg;
  const name = `${missionTypeName(cfg.missionType)} clear`;
  switch (state.phase) {
    case 'idle':
      if (event.kind === 'cancel')
        return endTransfer(cfg, fail('Cancelled', `${name} cancelled before it started`));
      if (event.kind !== 'started') return { state, effects: [] };
      return {
        state: { phase: 'awaitingAck', cfg, sends: 1 },
        effects: [
          { kind: 'send', message: clearMessage(cfg) },
          { kind: 'setTimer', ms: cfg.timeoutMs },
        ],
      };
    case 'awaitingAck': {
      if (event.kind === 'cancel') {
        return endTransfer(
          cfg,
          fail('Cancelled', `${name} cancelled by the caller`, { missionType: cfg.missionType }),
        );
      }
      if (event.kind === 'timeout') {
        if (state.sends > cfg.retries) {
          return endTransfer(
            cfg,
            fail('Timeout', `no MISSION_ACK for the ${name}`, {
              missionType: cfg.missionType,
              sends: state.sends,
            }),
          );
        }
        return {
          state: { ...state, sends: state.sends + 1 },
          effects: [
            { kind: 'send', message: clearMessage(cfg) },
            { kind: 'setTimer', ms: cfg.timeoutMs },
          ],
        };
      }
      if (event.kind !== 'message' || !isMessage(event.inbound, common.MissionAck))
        return { state, effects: [] };
      const ack = event.inbound.message;
      if (!ours(cfg, event.inbound, ack)) return { state, effects: [] };
      if (ack.type === MavMissionResult.Accepted)
        return endTransfer(cfg, ok({ missionType: cfg.missionType }));
      const resultName = missionResultName(ack.type);
      return endTransfer(
        cfg,
        fail('VehicleRejected', `vehicle refused the ${name}: ${resultName}`, {
          missionType: cfg.missionType,
          missionResult: ack.type,
          missionResultName: resultName,
        }),
      );
    }
    case 'done':
      return { state, effects: [] };
  }
}

/** Clears the vehicle's mission, fence or rally list (or all of them with 255). */
export function clearMission(port: MessagePort, options: ClearOptions): Promise<ClearResult> {
  if (![0, 1, 2, MISSION_TYPE_ALL].includes(options.missionType)) {
    return Promise.resolve(
      fail('InvalidRequest', `missionType must be 0, 1, 2 or 255 (all), got ${options.missionType}`),
    );
  }
  return drive(port, clearStep, initialClearState(options), {
    signal: options.signal,
    onSendError: (error) =>
      fail('SendFailed', `could not send MISSION_CLEAR_ALL: ${sendErrorMessage(error)}`, {
        missionType: options.missionType,
      }),
  });
}
