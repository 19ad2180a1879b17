/**
 * The autopilot's side of a MAVLink camera, as PX4 does it:
 *
 * - Mission camera items are handed on as commands (navigator `publish_vehicle_cmd`):
 *   IMAGE_START_CAPTURE for one image becomes a one-shot of the camera trigger; for a series
 *   (param3 0 or > 1) it goes as it is to the camera component (param1 when it names one, else
 *   MAV_COMP_ID_CAMERA 100), as do IMAGE_STOP_CAPTURE and VIDEO_START/STOP_CAPTURE.
 * - DO_SET_CAM_TRIGG_DIST (a mission item or a command) drives the camera trigger (camera_trigger
 *   with TRIG_INTERFACE MAVLink, TRIG_MODE distance on command): param1 > 0 metres between shots
 *   and triggering on, 0 paused, -1 off; param3 > 0 shoots once at once.
 * - Each shot of the trigger goes out as PX4's CAMERA_TRIGGER stream sends it: CAMERA_TRIGGER
 *   (time, sequence) and COMMAND_LONG IMAGE_START_CAPTURE to the camera (param1 0, param2 0,
 *   param3 1 image, param4 the sequence number from 1).
 *
 * Distance is measured from the last shot (or from where triggering started), horizontally, as
 * camera_trigger's `update_distance` does; PX4 needs no arming for it, nor does this.
 *
 * ArduPilot's AP_Camera with a MAVLink camera (CAM1_TYPE 5/6) also sends IMAGE_START_CAPTURE to
 * the camera per shot; the simulator uses this one behaviour for both flavours.
 */
import { distanceM } from './geo.ts';

/** MAV_COMP_ID_CAMERA. */
export const CAMERA_COMPONENT = 100;
export const MAV_CMD_DO_SET_CAM_TRIGG_DIST = 206;
export const MAV_CMD_IMAGE_START_CAPTURE = 2000;
export const MAV_CMD_IMAGE_STOP_CAPTURE = 2001;
const FORWARDED = new Set([MAV_CMD_IMAGE_START_CAPTURE, MAV_CMD_IMAGE_STOP_CAPTURE, 2500, 2501]);

export type Params7 = [number, number, number, number, number, number, number];

/** A command for a component of this vehicle. */
export interface ComponentCommand {
  targetComponent: number;
  command: number;
  params: Params7;
}

export interface CameraTriggerIo {
  /** Sends a COMMAND_LONG from the autopilot to one of its components. */
  command(c: ComponentCommand): void;
  /** Reports a shot of the trigger (CAMERA_TRIGGER). */
  triggered(seq: number): void;
}

export class CameraTrigger {
  private distanceM = 0;
  private enabled = false;
  private paused = false;
  private from: { lat: number; lon: number } | null = null;
  private seq = 1;
  private shots = 0;

  constructor(private readonly io: CameraTriggerIo) {}

  /** Shots taken so far. */
  get count(): number {
    return this.shots;
  }

  /** Whether distance triggering is on and not paused. */
  get active(): boolean {
    return this.enabled && !this.paused && this.distanceM > 0;
  }

  /**
   * A mission item the navigator reached: camera items are carried out (true); anything else
   * is not one of them (false).
   */
  missionItem(command: number, p: Params7): boolean {
    if (command === MAV_CMD_DO_SET_CAM_TRIGG_DIST) {
      this.setDistance(p[0], p[2]);
      return true;
    }
    if (!FORWARDED.has(command)) return false;
    if (command === MAV_CMD_IMAGE_START_CAPTURE && Math.round(p[2]) === 1) {
      this.shoot();
      return true;
    }
    const named = Math.round(p[0]);
    this.io.command({
      targetComponent: named > 0 && named < 256 ? named : CAMERA_COMPONENT,
      command,
      params: [...p],
    });
    return true;
  }

  /** DO_SET_CAM_TRIGG_DIST: param1 metres (> 0 on, 0 pause, -1 off), param3 > 0 shoot once now. */
  setDistance(metres: number, shootNow: number): void {
    if (metres > 0) {
      this.distanceM = metres;
      this.enabled = true;
      this.paused = false;
    } else if (Math.round(metres) === 0) {
      this.paused = true;
    } else if (Math.round(metres) === -1) {
      this.enabled = false;
    }
    // A pause or stop forgets the position: distance counts again from where it resumes.
    if (!this.active) this.from = null;
    if (shootNow > 0) this.shoot();
  }

  /** The vehicle's position after a physics step: a shot when it flew the distance. */
  update(lat: number, lon: number): void {
    if (!this.active) return;
    if (!this.from) {
      this.from = { lat, lon };
      return;
    }
    if (distanceM(this.from.lat, this.from.lon, lat, lon) < this.distanceM) return;
    this.from = { lat, lon };
    this.shoot();
  }

  private shoot(): void {
    const seq = this.seq++;
    this.shots += 1;
    this.io.triggered(seq);
    this.io.command({
      targetComponent: CAMERA_COMPONENT,
      command: MAV_CMD_IMAGE_START_CAPTURE,
      params: [0, 0, 1, seq, Number.NaN, Number.NaN, Number.NaN],
    });
  }
}
