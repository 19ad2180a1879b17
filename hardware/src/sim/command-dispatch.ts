/**
 * The vehicle side of the command protocol: COMMAND_LONG / COMMAND_INT (and the legacy
 * SET_MODE) carried out and answered with COMMAND_ACK, as PX4 (or ArduCopter) answers them:
 * TEMPORARILY_REJECTED arming while estimators settle, DENIED mission start without a mission,
 * FAILED re-rating of MISSION_CURRENT, an occasional duplicate ACK.
 */
import { common, type MavLinkData } from 'node-mavlink';
import type { Battery } from './battery.ts';
import { type CameraTrigger, MAV_CMD_DO_SET_CAM_TRIGG_DIST } from './camera-trigger.ts';
import { behaviourForSetMode, CopterMode } from './flavour.ts';
import type { Flight } from './flight.ts';
import { MAV_CMD_DO_GIMBAL_MANAGER_PITCHYAW, MAV_CMD_DO_MOUNT_CONTROL, type SimGimbal } from './gimbal.ts';
import type { MissionExecutor } from './mission-exec.ts';
import {
  MavResult,
  type Partner,
  Sev,
  type VehicleConfig,
  type VehicleIo,
  type VehicleState,
} from './state.ts';
import type { Telemetry } from './telemetry-encoders.ts';

const FORCE_MAGIC = 21196;

export class CommandDispatcher {
  /** Says why arming must be refused now (a closed dock lid over the aircraft), or undefined. */
  armInterlock: (() => string | undefined) | undefined;
  /** The camera trigger DO_SET_CAM_TRIGG_DIST drives (camera-trigger.ts); none: UNSUPPORTED. */
  cameraTrigger: CameraTrigger | undefined;
  /** The gimbal DO_GIMBAL_MANAGER_PITCHYAW and DO_MOUNT_CONTROL steer (gimbal.ts); none: UNSUPPORTED. */
  gimbal: SimGimbal | undefined;

  constructor(
    private readonly config: VehicleConfig,
    private readonly state: VehicleState,
    private readonly io: VehicleIo,
    private readonly flight: Flight,
    private readonly mission: MissionExecutor,
    private readonly battery: Battery,
    private readonly telemetry: Telemetry,
  ) {}

  /** Handles a command-like message; false when it is not one. */
  handle(from: Partner, msg: MavLinkData): boolean {
    if (msg instanceof common.CommandLong) {
      this.onCommand(from, msg.command, [
        msg._param1,
        msg._param2,
        msg._param3,
        msg._param4,
        msg._param5,
        msg._param6,
        msg._param7,
      ]);
    } else if (msg instanceof common.CommandInt) {
      this.onCommand(
        from,
        msg.command,
        [msg._param1, msg._param2, msg._param3, msg._param4, msg._param5, msg._param6, msg._param7],
        msg.frame,
      );
    } else if (msg instanceof common.SetMode) {
      // The legacy SET_MODE message: answered as DO_SET_MODE, as PX4 and ArduPilot do.
      const cm = msg.customMode >>> 0;
      const ap = this.config.flavour === 'ardupilot';
      this.onCommand(from, 176, [msg.baseMode, ap ? cm : (cm >> 16) & 0xff, ap ? 0 : cm >>> 24]);
    } else if (msg instanceof common.SetPositionTargetGlobalInt) {
      this.onPositionTarget(msg);
    } else {
      return false;
    }
    return true;
  }

  private ack(to: Partner, command: number, result: number): void {
    const m = new common.CommandAck();
    m.command = command;
    m.result = result;
    m.targetSystem = to.sysid;
    m.targetComponent = to.compid;
    this.io.send(m);
    // PX4 sometimes answers one command twice; ground stations must not count acks.
    if (this.config.duplicateAckChance > 0 && this.config.random() < this.config.duplicateAckChance)
      this.io.send(m);
  }

  private onCommand(from: Partner, command: number, p: number[], frame?: number): void {
    this.ack(from, command, this.run(command, p, frame));
  }

  /** Carries out a command; returns the MAV_RESULT to acknowledge. */
  private run(command: number, p: number[], frame?: number): number {
    const [p1 = 0, p2 = 0, p3 = 0, , p5 = 0, p6 = 0, p7 = 0] = p;
    switch (command) {
      case 400:
        return p1 >= 0.5
          ? this.arm(Math.round(p2) === FORCE_MAGIC)
          : this.disarm(Math.round(p2) === FORCE_MAGIC);
      case 22:
        return this.takeoff(p7);
      case 176:
        return this.setMode(p1, p2, p3);
      case 300:
        return this.missionStart(p1);
      case 20:
        return this.flight.enter('rtl');
      case 21:
        return this.flight.enter('land');
      case 192:
        return this.reposition(p5, p6, p7, frame);
      case 193:
        return this.pauseContinue(p1);
      case 179:
        return this.setHome(p1, p5, p6, p7, frame);
      case MAV_CMD_DO_SET_CAM_TRIGG_DIST:
        if (!this.cameraTrigger) return MavResult.Unsupported;
        this.cameraTrigger.setDistance(p1, p3);
        return MavResult.Accepted;
      case MAV_CMD_DO_GIMBAL_MANAGER_PITCHYAW:
      case MAV_CMD_DO_MOUNT_CONTROL:
        if (!this.gimbal) return MavResult.Unsupported;
        this.gimbal.command(command, [p1, p2, p3, p[3] ?? 0, p5, p6, p7]);
        return MavResult.Accepted;
      case 178:
        // DO_CHANGE_SPEED: param2 m/s; -1 (or 0) back to the cruise parameter.
        this.state.cruiseOverride = p2 > 0 ? p2 : undefined;
        return MavResult.Accepted;
      case 511:
        return this.telemetry.setInterval(Math.round(p1), p2);
      case 510:
        return this.telemetry.getInterval(Math.round(p1));
      case 512: {
        const sent = this.telemetry.sendOnce(Math.round(p1));
        return sent ? MavResult.Accepted : MavResult.Denied;
      }
      case 520:
        if (p1 < 0.5) return MavResult.Accepted;
        this.telemetry.sendOnce(148);
        return MavResult.Accepted;
      default:
        return MavResult.Unsupported;
    }
  }

  private arm(force: boolean): number {
    const s = this.state;
    if (s.armed) return MavResult.Accepted;
    const blocked = this.armInterlock?.();
    if (blocked) {
      this.io.statusText(Sev.Critical, `Arming denied: ${blocked}`);
      return MavResult.Denied;
    }
    if (!force) {
      // Estimators settle for a while after boot; PX4 explains why in EVENT messages only.
      if (s.simMs < this.config.settleS * 1000) return MavResult.TemporarilyRejected;
      if (s.gpsLost) return MavResult.TemporarilyRejected;
      if (this.battery.charge <= s.tuning.batCrit) return MavResult.TemporarilyRejected;
    }
    if (s.behaviour === 'mission' && this.mission.items.length === 0) return MavResult.TemporarilyRejected;
    s.armed = true;
    s.home = { lat: s.lat, lon: s.lon, altM: s.altAmsl };
    this.telemetry.sendOnce(242);
    this.io.statusText(Sev.Info, 'Armed by external command');
    this.io.timers.cancel(s.disarmTimer);
    if (s.tuning.preflightDisarmS > 0) {
      s.disarmTimer = this.io.timers.after(s.simMs, s.tuning.preflightDisarmS * 1000, () => {
        if (s.armed && s.onGround && !this.flight.wantsToClimb())
          this.flight.disarm('Disarmed by auto preflight disarming');
      });
    }
    if (s.behaviour === 'takeoff') this.flight.startTakeoff(s.takeoffAlt || s.tuning.takeoffAlt);
    return MavResult.Accepted;
  }

  private disarm(force: boolean): number {
    const s = this.state;
    if (!s.armed) return MavResult.Accepted;
    if (!s.onGround && !force) return MavResult.Denied;
    this.flight.disarm('Disarmed by external command');
    // Forced disarm in the air: motors stop and it falls.
    if (!s.onGround) this.flight.fall();
    return MavResult.Accepted;
  }

  private takeoff(p7: number): number {
    const s = this.state;
    if (this.config.flavour === 'ardupilot') {
      // ArduCopter: user takeoff only in GUIDED, armed; param7 is metres above home.
      if (s.customMode !== CopterMode.Guided || !s.armed || !s.onGround) return MavResult.Failed;
      const alt = Number.isFinite(p7) && p7 > 0 ? p7 : s.tuning.takeoffAlt;
      s.behaviour = 'takeoff';
      this.flight.startTakeoff(alt);
      return MavResult.Accepted;
    }
    // PX4: param7 is altitude AMSL; NaN means MIS_TAKEOFF_ALT above home.
    let alt = Number.isFinite(p7) ? p7 - s.home.altM : s.tuning.takeoffAlt;
    if (alt < s.tuning.takeoffAlt) alt = s.tuning.takeoffAlt;
    this.flight.setBehaviour('takeoff');
    s.takeoffAlt = alt;
    if (s.armed) this.flight.startTakeoff(alt);
    return MavResult.Accepted;
  }

  private setMode(p1: number, p2: number, p3: number): number {
    const ap = this.config.flavour === 'ardupilot';
    if ((Math.round(p1) & 1) === 0) return ap ? MavResult.Failed : MavResult.Unsupported;
    const wanted = behaviourForSetMode(this.config.flavour, p2, p3);
    if (!wanted) return ap ? MavResult.Failed : MavResult.Unsupported;
    return this.flight.enter(wanted.behaviour, wanted.customMode);
  }

  private missionStart(first: number): number {
    const items = this.mission.items;
    const ap = this.config.flavour === 'ardupilot';
    if (items.length === 0) return ap ? MavResult.Failed : MavResult.Denied;
    const start = Number.isFinite(first) ? Math.max(0, Math.round(first) - (ap ? 1 : 0)) : 0;
    // PX4 starts over at param1 (0: the beginning); ArduCopter resumes unless given an item.
    if (!ap || this.mission.complete || start > 0) this.mission.restart(Math.min(start, items.length - 1));
    return this.flight.enter('mission');
  }

  private reposition(p5: number, p6: number, p7: number, frame?: number): number {
    const s = this.state;
    if (!s.armed || s.onGround) return MavResult.Denied;
    const isInt = frame !== undefined;
    const lat = Number.isFinite(p5) && p5 !== 0 ? (isInt ? p5 / 1e7 : p5) : s.lat;
    const lon = Number.isFinite(p6) && p6 !== 0 ? (isInt ? p6 / 1e7 : p6) : s.lon;
    let alt = s.altRel();
    if (Number.isFinite(p7)) alt = frame === 3 || frame === 6 ? p7 : p7 - s.home.altM;
    if (this.config.flavour === 'ardupilot') this.flight.setBehaviour('guided');
    else this.flight.setBehaviour('hold');
    s.target = { lat, lon, alt: Math.max(1, alt) };
    return MavResult.Accepted;
  }

  private pauseContinue(p1: number): number {
    if (Math.round(p1) === 0) {
      this.flight.setBehaviour('hold');
      return MavResult.Accepted;
    }
    if (this.mission.items.length === 0) return MavResult.Denied;
    return this.flight.enter('mission');
  }

  private setHome(p1: number, p5: number, p6: number, p7: number, frame?: number): number {
    const s = this.state;
    if (Math.round(p1) === 1) {
      s.home = { lat: s.lat, lon: s.lon, altM: s.altAmsl };
    } else {
      const isInt = frame !== undefined;
      if (!Number.isFinite(p5) || !Number.isFinite(p6)) return MavResult.Denied;
      s.home = {
        lat: isInt ? p5 / 1e7 : p5,
        lon: isInt ? p6 / 1e7 : p6,
        altM: Number.isFinite(p7) ? p7 : s.home.altM,
      };
    }
    this.telemetry.sendOnce(242);
    return MavResult.Accepted;
  }

  private onPositionTarget(m: common.SetPositionTargetGlobalInt): void {
    const s = this.state;
    // ArduCopter in GUIDED flies to position targets; position bits 0-2 of the mask ignore it.
    if (this.config.flavour !== 'ardupilot' || s.customMode !== CopterMode.Guided || s.onGround) return;
    if ((m.typeMask & 0b111) !== 0) return;
    // A target during a GUIDED take-off replaces the take-off, as in ArduCopter.
    if (s.behaviour !== 'guided') this.flight.setBehaviour('guided');
    const relative = m.coordinateFrame === 6 || m.coordinateFrame === 3 || m.coordinateFrame === 11;
    s.target = {
      lat: m.latInt / 1e7,
      lon: m.lonInt / 1e7,
      alt: Math.max(1, relative ? m.alt : m.alt - s.home.altM),
    };
  }
}
