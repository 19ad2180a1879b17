/**
 * A small, realistic parameter table per autopilot, and the two ways they put a value in
 * PARAM_VALUE's float field: PX4 copies an integer's bytes into the float (bytewise), while
 * ArduPilot converts the number (C cast).
 */
import type { Flavour } from './flavour.ts';

/** MAV_PARAM_TYPE values used here. */
export const ParamType = { Int8: 2, Int16: 4, Int32: 6, Float: 9 } as const;
export type ParamType = (typeof ParamType)[keyof typeof ParamType];

export interface ParamDef {
  id: string;
  type: ParamType;
  value: number;
  /** Refused by PARAM_SET (ArduPilot's internal-use parameters): "Param write denied", old value echoed. */
  readOnly?: boolean;
}

/** PX4 defaults (multicopter), the ones a ground station and Aerie actually touch. */
function px4Params(sysid: number): ParamDef[] {
  const f = ParamType.Float;
  const i = ParamType.Int32;
  return [
    { id: 'BAT_CRIT_THR', type: f, value: 0.07 },
    { id: 'BAT_EMERGEN_THR', type: f, value: 0.05 },
    { id: 'BAT_LOW_THR', type: f, value: 0.15 },
    { id: 'COM_DISARM_LAND', type: f, value: 2 },
    { id: 'COM_DISARM_PRFLT', type: f, value: 10 },
    { id: 'COM_DL_LOSS_T', type: i, value: 10 },
    { id: 'COM_DLL_EXCEPT', type: i, value: 0 },
    { id: 'COM_LOW_BAT_ACT', type: i, value: 3 },
    { id: 'COM_RC_IN_MODE', type: i, value: 4 },
    { id: 'GF_ACTION', type: i, value: 2 },
    { id: 'MAV_SYS_ID', type: i, value: sysid },
    { id: 'MIS_TAKEOFF_ALT', type: f, value: 2.5 },
    { id: 'MPC_LAND_SPEED', type: f, value: 0.7 },
    { id: 'MPC_TKO_SPEED', type: f, value: 1.5 },
    { id: 'MPC_XY_CRUISE', type: f, value: 5 },
    { id: 'MPC_XY_VEL_MAX', type: f, value: 12 },
    { id: 'MPC_YAWRAUTO_MAX', type: f, value: 45 },
    { id: 'MPC_Z_VEL_MAX_DN', type: f, value: 1.5 },
    { id: 'MPC_Z_VEL_MAX_UP', type: f, value: 3 },
    { id: 'NAV_ACC_RAD', type: f, value: 2 },
    // The firmware default is 0 (disabled); PX4 SITL's rcS sets 2 (Return), and this is SITL.
    { id: 'NAV_DLL_ACT', type: i, value: 0 },
    { id: 'NAV_RCL_ACT', type: i, value: 2 },
    { id: 'RTL_DESCEND_ALT', type: f, value: 30 },
    { id: 'RTL_LAND_DELAY', type: f, value: 0 },
    { id: 'RTL_RETURN_ALT', type: f, value: 60 },
    { id: 'SYS_AUTOSTART', type: i, value: 10040 },
  ];
}

/** ArduCopter defaults; speeds and altitudes in centimetres as ArduPilot keeps them. */
function ardupilotParams(sysid: number): ParamDef[] {
  const f = ParamType.Float;
  const b = ParamType.Int8;
  const i = ParamType.Int32;
  return [
    { id: 'ARMING_CHECK', type: i, value: 1 },
    { id: 'BATT_CAPACITY', type: i, value: 5200 },
    { id: 'BATT_CRT_VOLT', type: f, value: 13.9 },
    { id: 'BATT_LOW_VOLT', type: f, value: 14.4 },
    { id: 'DISARM_DELAY', type: b, value: 10 },
    { id: 'FENCE_ENABLE', type: b, value: 0 },
    { id: 'FORMAT_VERSION', type: ParamType.Int16, value: 120, readOnly: true },
    { id: 'FS_BATT_ENABLE', type: b, value: 2 },
    { id: 'FS_GCS_ENABLE', type: b, value: 0 },
    { id: 'LAND_SPEED', type: i, value: 50 },
    { id: 'RTL_ALT', type: i, value: 1500 },
    { id: 'RTL_ALT_FINAL', type: i, value: 0 },
    { id: 'RTL_LOIT_TIME', type: i, value: 5000 },
    { id: 'SYSID_THISMAV', type: i, value: sysid },
    { id: 'WPNAV_ACCEL', type: f, value: 250 },
    { id: 'WPNAV_RADIUS', type: f, value: 200 },
    { id: 'WPNAV_SPEED', type: f, value: 1000 },
    { id: 'WPNAV_SPEED_DN', type: f, value: 150 },
    { id: 'WPNAV_SPEED_UP', type: f, value: 250 },
  ];
}

const scratch = Buffer.alloc(4);

/** Packs a value into PARAM_VALUE.param_value the way the flavour does. */
export function encodeParamValue(flavour: Flavour, def: ParamDef): number {
  if (flavour === 'px4' && def.type !== ParamType.Float) {
    // PX4 (MAV_PROTOCOL_CAPABILITY_PARAM_ENCODE_BYTEWISE): the int32's bytes read as a float.
    scratch.writeInt32LE(Math.trunc(def.value), 0);
    return scratch.readFloatLE(0);
  }
  return def.value;
}

/** Unpacks PARAM_SET.param_value for a parameter of the given type. */
export function decodeParamValue(flavour: Flavour, type: ParamType, raw: number): number {
  if (type === ParamType.Float) return Math.fround(raw);
  if (flavour === 'px4') {
    scratch.writeFloatLE(raw, 0);
    return scratch.readInt32LE(0);
  }
  return Math.round(raw);
}

/** The parameter table of one vehicle. */
export class ParamTable {
  readonly list: ParamDef[];
  private readonly byId = new Map<string, number>();

  constructor(
    readonly flavour: Flavour,
    sysid: number,
  ) {
    this.list = (flavour === 'px4' ? px4Params(sysid) : ardupilotParams(sysid)).sort((a, b) =>
      a.id < b.id ? -1 : 1,
    );
    for (const [idx, p] of this.list.entries()) this.byId.set(p.id, idx);
  }

  indexOf(id: string): number {
    return this.byId.get(id) ?? -1;
  }

  get(id: string): number {
    const idx = this.byId.get(id);
    if (idx === undefined) throw new Error(`no parameter ${id}`);
    return this.list[idx]!.value;
  }

  /** Sets a value already decoded; returns the definition or undefined for an unknown id. */
  set(id: string, value: number): ParamDef | undefined {
    const idx = this.byId.get(id);
    if (idx === undefined) return undefined;
    const def = this.list[idx]!;
    def.value = def.type === ParamType.Float ? Math.fround(value) : Math.trunc(value);
    return def;
  }
}
