/**
 * The simulated aircraft's gimbal, as PX4's gimbal manager (vmount, input_mavlink.cpp) takes
 * its commands and a stabilising gimbal device holds them:
 *
 * - MAV_CMD_DO_GIMBAL_MANAGER_PITCHYAW (1000), what missions/ writes for a PX4 route's gimbal
 *   item and what PX4's navigator hands on from a mission: param1 pitch, param2 yaw (degrees;
 *   NaN leaves that axis as it was, as the MAVLink spec says), param5 GIMBAL_MANAGER_FLAGS.
 *   Pitch and roll are held against the horizon (PITCH_LOCK / ROLL_LOCK: "generally the
 *   default" of a stabilising gimbal, MAVLink GIMBAL_MANAGER_FLAGS); yaw follows the vehicle
 *   (relative to its heading) unless YAW_LOCK (16) makes it an absolute bearing.
 *   NEUTRAL (2) returns to the neutral attitude (level, straight ahead).
 * - MAV_CMD_DO_MOUNT_CONTROL (205) with MAV_MOUNT_MODE_MAVLINK_TARGETING (param7 2), what
 *   missions/ writes for ArduPilot: param1 pitch, param2 roll, param3 yaw; pitch and roll
 *   absolute, yaw relative to the vehicle (as PX4's InputMavlinkCmdMount sets the frames).
 *   Mode NEUTRAL (1) / RETRACT (0) go to neutral.
 *
 * Before any command the camera looks straight down (pitch -90), the simulated camera's
 * default. A command takes effect at once: the simulator does not model slew rates.
 *
 * Pure: `cameraAttitude` and `bodyRelative` turn the held setpoint and the vehicle's attitude
 * into the camera's attitude in NED (for CAMERA_IMAGE_CAPTURED's quaternion and
 * GIMBAL_DEVICE_ATTITUDE_STATUS) and into the body-relative angles the renderer takes.
 */
import { relativeAttitudeDeg } from '@aerie/missions';

export const MAV_CMD_DO_MOUNT_CONTROL = 205;
export const MAV_CMD_DO_GIMBAL_MANAGER_PITCHYAW = 1000;
/** GIMBAL_MANAGER_FLAGS this gimbal reads. */
export const GimbalManagerFlags = { Retract: 1, Neutral: 2, YawLock: 16 } as const;
/** MAV_MOUNT_MODE values of DO_MOUNT_CONTROL's param7. */
const MountMode = { Retract: 0, Neutral: 1, MavlinkTargeting: 2 } as const;

/** Attitude in degrees, aerospace Z-Y-X (yaw clockwise from north). */
export interface AttitudeDeg {
  rollDeg: number;
  pitchDeg: number;
  yawDeg: number;
}

/** What the gimbal holds: pitch and roll against the horizon, yaw relative to the heading or absolute. */
export interface GimbalSetpoint {
  pitchDeg: number;
  rollDeg: number;
  yawDeg: number;
  /** True: `yawDeg` is a bearing from north; false: relative to the vehicle's heading. */
  yawLock: boolean;
}

/** gimbal_device_id of a gimbal the autopilot drives itself (not a MAVLink component): 1-6. */
export const AUTOPILOT_GIMBAL_ID = 1;

export const NADIR: GimbalSetpoint = { pitchDeg: -90, rollDeg: 0, yawDeg: 0, yawLock: false };
const NEUTRAL: GimbalSetpoint = { pitchDeg: 0, rollDeg: 0, yawDeg: 0, yawLock: false };

export type Params7 = readonly [number, number, number, number, number, number, number];

const wrap180 = (deg: number): number => {
  const w = (((deg + 180) % 360) + 360) % 360;
  return w - 180;
};

/** Aerospace Euler angles (rad, Z-Y-X) to a quaternion [w, x, y, z]. */
export function quaternionFromEuler(
  roll: number,
  pitch: number,
  yaw: number,
): [number, number, number, number] {
  const [cr, sr] = [Math.cos(roll / 2), Math.sin(roll / 2)];
  const [cp, sp] = [Math.cos(pitch / 2), Math.sin(pitch / 2)];
  const [cy, sy] = [Math.cos(yaw / 2), Math.sin(yaw / 2)];
  return [
    cr * cp * cy + sr * sp * sy,
    sr * cp * cy - cr * sp * sy,
    cr * sp * cy + sr * cp * sy,
    cr * cp * sy - sr * sp * cy,
  ];
}

/** An attitude in degrees as a quaternion [w, x, y, z]. */
export function quaternionFromDeg(a: AttitudeDeg): [number, number, number, number] {
  const r = Math.PI / 180;
  return quaternionFromEuler(a.rollDeg * r, a.pitchDeg * r, a.yawDeg * r);
}

export class SimGimbal {
  private held: GimbalSetpoint = { ...NADIR };

  get setpoint(): GimbalSetpoint {
    return { ...this.held };
  }

  /**
   * A gimbal command (from a mission item or a COMMAND_LONG): true when it is one and was
   * carried out, false when the command is not a gimbal command.
   */
  command(command: number, p: Params7): boolean {
    if (command === MAV_CMD_DO_GIMBAL_MANAGER_PITCHYAW) {
      const flags = Number.isFinite(p[4]) ? Math.round(p[4]) : 0;
      if (flags & (GimbalManagerFlags.Neutral | GimbalManagerFlags.Retract)) {
        this.held = { ...NEUTRAL };
        return true;
      }
      const yawLock = (flags & GimbalManagerFlags.YawLock) !== 0;
      this.held = {
        pitchDeg: Number.isFinite(p[0]) ? Math.max(-180, Math.min(180, p[0])) : this.held.pitchDeg,
        rollDeg: this.held.rollDeg,
        yawDeg: Number.isFinite(p[1]) ? wrap180(p[1]) : this.held.yawDeg,
        yawLock: Number.isFinite(p[1]) ? yawLock : this.held.yawLock,
      };
      return true;
    }
    if (command === MAV_CMD_DO_MOUNT_CONTROL) {
      const mode = Math.round(p[6]);
      if (mode === MountMode.Neutral || mode === MountMode.Retract) {
        this.held = { ...NEUTRAL };
        return true;
      }
      // RC targeting and GPS point are not simulated: the gimbal keeps what it holds.
      if (mode !== MountMode.MavlinkTargeting) return true;
      this.held = {
        pitchDeg: Number.isFinite(p[0]) ? p[0] : 0,
        rollDeg: Number.isFinite(p[1]) ? p[1] : 0,
        yawDeg: Number.isFinite(p[2]) ? wrap180(p[2]) : 0,
        yawLock: false,
      };
      return true;
    }
    return false;
  }

  /** The camera's attitude in NED (zero: level, looking north) with the vehicle at `vehicle`. */
  cameraAttitude(vehicle: AttitudeDeg): AttitudeDeg {
    return cameraAttitude(this.held, vehicle);
  }

  /** The camera's attitude relative to the vehicle's body, as the renderer's gimbal angles take it. */
  bodyRelative(vehicle: AttitudeDeg): AttitudeDeg {
    return bodyRelative(this.held, vehicle);
  }
}

/** A held setpoint as the camera's attitude in NED: stabilised pitch and roll, yaw absolute or following. */
export function cameraAttitude(held: GimbalSetpoint, vehicle: AttitudeDeg): AttitudeDeg {
  const yaw = held.yawLock ? held.yawDeg : vehicle.yawDeg + held.yawDeg;
  return { rollDeg: held.rollDeg, pitchDeg: held.pitchDeg, yawDeg: ((yaw % 360) + 360) % 360 };
}

/**
 * A held setpoint as angles relative to the vehicle's body (Z-Y-X), such that body attitude
 * composed with them gives `cameraAttitude` exactly (missions' `relativeAttitudeDeg`).
 */
export function bodyRelative(held: GimbalSetpoint, vehicle: AttitudeDeg): AttitudeDeg {
  const { yawDeg, pitchDeg, rollDeg } = relativeAttitudeDeg(vehicle, cameraAttitude(held, vehicle));
  return { rollDeg, pitchDeg, yawDeg };
}
