/**
 * One vehicle as the rest of Aerie commands it: high-level actions (arm, take off, set mode,
 * start mission, hold, resume, return, land, go to) built on the command protocol, mission
 * transfers with a check of the mission id the vehicle then reports, and parameters. The
 * autopilot's habits come from its flavour (picked from the heartbeat); the protocols do the
 * resending. Commands to one vehicle run one at a time, because two transactions for the same
 * command id cannot be told apart on the wire; mission transfers have their own queue.
 */
import type { MissionItemInt } from '@aerie/missions';
import type { MessagePort } from '../codec/types.ts';
import {
  type CommandOptions,
  type CommandResult,
  type CommandSpec,
  runCommand,
} from '../protocols/command.ts';
import { type ClearResult, clearMission } from '../protocols/mission-clear.ts';
import {
  type DownloadProgress,
  type DownloadResult,
  downloadMission,
} from '../protocols/mission-download.ts';
import { type UploadProgress, type UploadResult, uploadMission } from '../protocols/mission-upload.ts';
import {
  type ParamProgress,
  type ReadAllResult,
  type ReadParamResult,
  readAllParams,
  readParam,
  type SetParamResult,
  setParam,
} from '../protocols/params.ts';
import { fail, ok, type Result } from '../result.ts';
import { stateFlavour, type VehicleState } from './state.ts';

export const MavCmd = {
  NavReturnToLaunch: 20,
  NavLand: 21,
  NavTakeoff: 22,
  DoSetMode: 176,
  DoReposition: 192,
  MissionStart: 300,
  ComponentArmDisarm: 400,
  SetMessageInterval: 511,
  RequestMessage: 512,
} as const;

/** MAV_DO_REPOSITION_FLAGS_CHANGE_MODE: switch to a guided/hold mode to fly there. */
const REPOSITION_CHANGE_MODE = 1;
/** The magic number PX4 and ArduPilot accept to force a disarm in the air. */
const FORCE_DISARM = 21196;

export type ActionErrorCode =
  | CommandErrorCodeOf<CommandResult>
  | 'UnknownMode'
  | 'NoHomePosition'
  | 'NotSupported'
  | 'MissionIdMismatch';
type CommandErrorCodeOf<R> = R extends { ok: false; error: { code: infer C } } ? C : never;

export type ActionResult = Result<{ command: number; sends: number }, ActionErrorCode | string>;

export interface ArmOptions {
  /** Keep retrying a TEMPORARILY_REJECTED answer this long (PX4 refuses ~10 s after boot). */
  retryTemporarilyRejectedForMs?: number;
}

export class Vehicle {
  private readonly queues: Record<'command' | 'mission' | 'param', Promise<unknown>> = {
    command: Promise.resolve(),
    mission: Promise.resolve(),
    param: Promise.resolve(),
  };
  private readonly aborts = new Set<AbortController>();

  constructor(
    /** Live state, updated in place by the bridge. Read it, do not write it. */
    readonly state: VehicleState,
    readonly port: MessagePort,
  ) {}

  get sysid(): number {
    return this.state.sysid;
  }

  get flavour() {
    return stateFlavour(this.state);
  }

  private get target() {
    return { sysid: this.state.sysid, compid: this.state.compid };
  }

  /** Cancels every transaction in flight (the bridge is shutting down). */
  dispose(): void {
    for (const a of this.aborts) a.abort();
    this.aborts.clear();
  }

  /** Runs one command through the vehicle's command queue. */
  command(spec: CommandSpec, options: Partial<CommandOptions> = {}): Promise<CommandResult> {
    return this.enqueue('command', (signal) =>
      runCommand(this.port, { ...options, ...spec, target: this.target, signal }),
    );
  }

  async arm(options: ArmOptions = {}): Promise<ActionResult> {
    return this.asAction(
      await this.command(
        { command: MavCmd.ComponentArmDisarm, param1: 1 },
        { retryTemporarilyRejectedForMs: options.retryTemporarilyRejectedForMs ?? 0 },
      ),
    );
  }

  async disarm(force = false): Promise<ActionResult> {
    return this.asAction(
      await this.command({ command: MavCmd.ComponentArmDisarm, param1: 0, param2: force ? FORCE_DISARM : 0 }),
    );
  }

  /** Flies to one of the flavour's modes by name ('AUTO.LOITER', 'GUIDED', ...). */
  async setMode(name: string): Promise<ActionResult> {
    const params = this.flavour.encodeMode(name);
    if (!params) {
      const known = this.flavour.modes.filter((m) => m.settable).map((m) => m.name);
      return fail(
        'UnknownMode',
        `mode '${name}' is not a settable ${this.flavour.name} mode (known: ${known.join(', ') || 'none'})`,
      );
    }
    return this.asAction(
      await this.command({
        command: MavCmd.DoSetMode,
        param1: params.baseMode,
        param2: params.customMode,
        param3: params.customSubMode,
      }),
    );
  }

  /**
   * Arms if needed and climbs to altRelM above home. PX4 takes NAV_TAKEOFF's altitude as AMSL
   * (as QGroundControl sends it); ArduPilot wants GUIDED first and a relative altitude.
   */
  async takeoff(altRelM: number, options: ArmOptions = {}): Promise<ActionResult> {
    const f = this.flavour;
    if (f.name === 'ardupilot') {
      const mode = await this.setMode(f.guidedMode);
      if (!mode.ok) return mode;
    }
    if (!this.state.armed) {
      const armed = await this.arm(options);
      if (!armed.ok) return armed;
    }
    let altitude = altRelM;
    if (f.name === 'px4') {
      if (!this.state.home) return fail('NoHomePosition', 'the vehicle has not reported a home position yet');
      altitude = this.state.home.altMslM + altRelM;
    }
    return this.asAction(
      await this.command({ command: MavCmd.NavTakeoff, param1: -1, param4: Number.NaN, param7: altitude }),
    );
  }

  /** Starts the uploaded mission from its first item (MAV_CMD_MISSION_START). */
  async startMission(): Promise<ActionResult> {
    return this.asAction(await this.command({ command: MavCmd.MissionStart, param1: 0, param2: 0 }));
  }

  /** Stops where it is and holds position. */
  hold(): Promise<ActionResult> {
    return this.setMode(this.flavour.holdMode);
  }

  /** Continues the mission from the current item. */
  resume(): Promise<ActionResult> {
    return this.setMode(this.flavour.missionMode);
  }

  async returnToLaunch(): Promise<ActionResult> {
    return this.asAction(await this.command({ command: MavCmd.NavReturnToLaunch }));
  }

  async land(): Promise<ActionResult> {
    return this.asAction(
      await this.command({
        command: MavCmd.NavLand,
        param4: Number.NaN,
        param5: Number.NaN,
        param6: Number.NaN,
      }),
    );
  }

  /**
   * Flies to a point and holds there (MAV_CMD_DO_REPOSITION as COMMAND_INT). PX4 reads the
   * altitude as AMSL in MAV_FRAME_GLOBAL, as MAVSDK's goto_location sends it; ArduPilot takes
   * the relative frame in GUIDED.
   */
  async goto(lat: number, lon: number, altRelM: number): Promise<ActionResult> {
    const px4 = this.flavour.name === 'px4';
    if (px4 && !this.state.home)
      return fail('NoHomePosition', 'the vehicle has not reported a home position yet');
    if (!px4) {
      const mode = await this.setMode(this.flavour.guidedMode);
      if (!mode.ok) return mode;
    }
    return this.asAction(
      await this.command({
        command: MavCmd.DoReposition,
        message: 'int',
        frame: px4 ? 0 : 6,
        param1: -1,
        param2: REPOSITION_CHANGE_MODE,
        param4: Number.NaN,
        param5: Math.round(lat * 1e7),
        param6: Math.round(lon * 1e7),
        param7: px4 ? this.state.home!.altMslM + altRelM : altRelM,
      }),
    );
  }

  /** Sets how often the vehicle sends a message on this link; hz <= 0 stops it. */
  async setMessageRate(msgid: number, hz: number): Promise<ActionResult> {
    const intervalUs = hz > 0 ? Math.round(1e6 / hz) : -1;
    return this.asAction(
      await this.command({ command: MavCmd.SetMessageInterval, param1: msgid, param2: intervalUs }),
    );
  }

  /**
   * Uploads a mission, fence or rally list. For missions, afterwards checks that the mission
   * id the vehicle reports in MISSION_CURRENT matches the one its final MISSION_ACK gave
   * (both are the CRC of the list on PX4): a cheap proof that it holds what we sent.
   */
  async uploadMission(
    items: readonly MissionItemInt[],
    options: {
      missionType?: number;
      onProgress?: (p: UploadProgress) => void;
      verifyTimeoutMs?: number;
    } = {},
  ): Promise<UploadResult | ReturnType<typeof fail<'MissionIdMismatch'>>> {
    const missionType = options.missionType ?? 0;
    const result = await this.enqueue('mission', (signal) =>
      uploadMission(this.port, {
        target: this.target,
        missionType,
        items,
        signal,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      }),
    );
    if (!result.ok || missionType !== 0 || result.value.opaqueId === 0) return result;
    const reported = await this.waitForMissionId(result.value.opaqueId, options.verifyTimeoutMs ?? 3000);
    if (reported !== null && reported !== result.value.opaqueId) {
      return fail(
        'MissionIdMismatch',
        `the vehicle acknowledged mission id 0x${result.value.opaqueId.toString(16)} but reports 0x${reported.toString(16)}`,
        { acked: result.value.opaqueId, reported },
      );
    }
    return result;
  }

  downloadMission(
    options: { missionType?: number; onProgress?: (p: DownloadProgress) => void } = {},
  ): Promise<DownloadResult> {
    return this.enqueue('mission', (signal) =>
      downloadMission(this.port, {
        target: this.target,
        missionType: options.missionType ?? 0,
        signal,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      }),
    );
  }

  clearMission(missionType = 0): Promise<ClearResult> {
    return this.enqueue('mission', (signal) =>
      clearMission(this.port, { target: this.target, missionType, signal }),
    );
  }

  /** Reads every parameter, re-requesting the ones the stream dropped. */
  readParams(onProgress?: (p: ParamProgress) => void): Promise<ReadAllResult> {
    return this.enqueue('param', (signal) =>
      readAllParams(this.port, {
        target: this.target,
        encoding: this.flavour.paramEncoding,
        signal,
        ...(onProgress ? { onProgress } : {}),
      }),
    );
  }

  readParam(id: string): Promise<ReadParamResult> {
    return this.enqueue('param', (signal) =>
      readParam(this.port, { target: this.target, encoding: this.flavour.paramEncoding, id, signal }),
    );
  }

  /**
   * Sets a parameter and reads it back. PX4 refuses a set whose type differs from the
   * parameter's, so when the caller does not know the type it is read first.
   */
  async setParam(id: string, value: number, type?: number): Promise<SetParamResult> {
    let paramType = type;
    if (paramType === undefined) {
      const current = await this.readParam(id);
      if (!current.ok) return current;
      paramType = current.value.type;
    }
    const t = paramType;
    return this.enqueue('param', (signal) =>
      setParam(this.port, {
        target: this.target,
        encoding: this.flavour.paramEncoding,
        id,
        value,
        type: t,
        signal,
      }),
    );
  }

  /** Resolves with the mission id MISSION_CURRENT reports once it equals `expected`, or the last one seen at the timeout (null if none). */
  private waitForMissionId(expected: number, timeoutMs: number): Promise<number | null> {
    return new Promise((resolve) => {
      let last: number | null = null;
      const unsubscribe = this.port.subscribe((m) => {
        if (m.msgid !== 42) return;
        const id = (m.message as unknown as { missionId?: number }).missionId ?? 0;
        if (id === 0) return;
        last = id;
        if (id === expected) finish();
      });
      const timer = setTimeout(finish, timeoutMs);
      function finish() {
        clearTimeout(timer);
        unsubscribe();
        resolve(last);
      }
    });
  }

  private enqueue<R>(
    queue: 'command' | 'mission' | 'param',
    run: (signal: AbortSignal) => Promise<R>,
  ): Promise<R> {
    const abort = new AbortController();
    this.aborts.add(abort);
    const next = this.queues[queue].then(
      () => run(abort.signal),
      () => run(abort.signal),
    );
    const settled = next.finally(() => this.aborts.delete(abort));
    this.queues[queue] = settled.catch(() => undefined);
    return settled;
  }

  private asAction(result: CommandResult): ActionResult {
    return result.ok ? ok({ command: result.value.command, sends: result.value.sends }) : result;
  }
}
