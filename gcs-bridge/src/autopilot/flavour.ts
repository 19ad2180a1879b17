/**
 * Autopilot differences behind one strategy, picked from HEARTBEAT.autopilot (as
 * skybrush-server's autopilots/{base,px4,ardupilot} do). Everything here is pure data and
 * arithmetic: how a flight mode is encoded in HEARTBEAT.custom_mode, how to ask for one with
 * MAV_CMD_DO_SET_MODE, which mode means "hold" or "return", and the few protocol habits that
 * differ (ArduPilot's home item 0 in mission lists, parameter value encoding).
 */

/** A mode's role, the same across autopilots, so callers need not know mode tables. */
export type ModeKind =
  | 'manual'
  | 'assisted'
  | 'hold'
  | 'mission'
  | 'return'
  | 'land'
  | 'takeoff'
  | 'guided'
  | 'offboard'
  | 'other';

export type FlavourName = 'px4' | 'ardupilot' | 'generic';

/** Parameters for MAV_CMD_DO_SET_MODE (176): param1 base mode, param2 custom mode, param3 sub mode. */
export interface SetModeParams {
  baseMode: number;
  customMode: number;
  customSubMode: number;
}

export interface ModeDefinition {
  name: string;
  kind: ModeKind;
  /** The value HEARTBEAT.custom_mode carries in this mode. */
  customMode: number;
  /** Whether a ground station may ask for it (some modes are only entered by the vehicle). */
  settable: boolean;
}

export interface AutopilotFlavour {
  readonly name: FlavourName;
  /** All known modes, for the console's mode menu and for parsing user input. */
  readonly modes: readonly ModeDefinition[];
  /** Names the vehicle's current mode, e.g. 'AUTO.MISSION' (PX4) or 'GUIDED' (ArduPilot). */
  decodeMode(baseMode: number, customMode: number): { name: string; kind: ModeKind };
  /** DO_SET_MODE parameters for a mode name (case-insensitive), or null when unknown or not settable. */
  encodeMode(name: string): SetModeParams | null;
  /** The mode names to use for the high-level actions. */
  readonly holdMode: string;
  readonly missionMode: string;
  readonly returnMode: string;
  readonly landMode: string;
  readonly guidedMode: string;
  /** ArduPilot keeps the home position as item 0 of the mission list; PX4 starts with the first real item. */
  readonly missionHasHomeItem: boolean;
  /** How integer parameters travel in PARAM_VALUE.param_value. */
  readonly paramEncoding: 'bytewise' | 'cast';
}

/** MAV_MODE_FLAG_CUSTOM_MODE_ENABLED */
export const MODE_FLAG_CUSTOM_MODE_ENABLED = 1;
/** MAV_MODE_FLAG_SAFETY_ARMED */
export const MODE_FLAG_SAFETY_ARMED = 0x80;

/** MAV_AUTOPILOT values that select a flavour. */
export const MavAutopilot = { Generic: 0, ArdupilotMega: 3, Px4: 12, Invalid: 8 } as const;

// PX4 packs main mode into bits 16-23 and sub mode into bits 24-31 of custom_mode
// (px4_custom_mode.h). Sub modes only mean something for AUTO and POSCTL.
const px4 = (main: number, sub = 0): number => (((main & 0xff) << 16) | ((sub & 0xff) << 24)) >>> 0;

const PX4_MODES: ModeDefinition[] = [
  { name: 'MANUAL', kind: 'manual', customMode: px4(1), settable: true },
  { name: 'ALTCTL', kind: 'assisted', customMode: px4(2), settable: true },
  { name: 'POSCTL', kind: 'assisted', customMode: px4(3), settable: true },
  { name: 'POSCTL.ORBIT', kind: 'guided', customMode: px4(3, 1), settable: false },
  { name: 'AUTO.READY', kind: 'other', customMode: px4(4, 1), settable: false },
  { name: 'AUTO.TAKEOFF', kind: 'takeoff', customMode: px4(4, 2), settable: true },
  { name: 'AUTO.LOITER', kind: 'hold', customMode: px4(4, 3), settable: true },
  { name: 'AUTO.MISSION', kind: 'mission', customMode: px4(4, 4), settable: true },
  { name: 'AUTO.RTL', kind: 'return', customMode: px4(4, 5), settable: true },
  { name: 'AUTO.LAND', kind: 'land', customMode: px4(4, 6), settable: true },
  { name: 'AUTO.FOLLOW_TARGET', kind: 'guided', customMode: px4(4, 8), settable: true },
  { name: 'AUTO.PRECLAND', kind: 'land', customMode: px4(4, 9), settable: true },
  { name: 'ACRO', kind: 'manual', customMode: px4(5), settable: true },
  { name: 'OFFBOARD', kind: 'offboard', customMode: px4(6), settable: true },
  { name: 'STABILIZED', kind: 'manual', customMode: px4(7), settable: true },
];

// ArduCopter's mode numbers (ArduCopter/mode.h, enum class Number).
const ARDUCOPTER_MODES: ModeDefinition[] = (
  [
    ['STABILIZE', 0, 'manual'],
    ['ACRO', 1, 'manual'],
    ['ALT_HOLD', 2, 'assisted'],
    ['AUTO', 3, 'mission'],
    ['GUIDED', 4, 'guided'],
    ['LOITER', 5, 'hold'],
    ['RTL', 6, 'return'],
    ['CIRCLE', 7, 'guided'],
    ['LAND', 9, 'land'],
    ['DRIFT', 11, 'assisted'],
    ['SPORT', 13, 'assisted'],
    ['FLIP', 14, 'other'],
    ['AUTOTUNE', 15, 'other'],
    ['POSHOLD', 16, 'assisted'],
    ['BRAKE', 17, 'hold'],
    ['THROW', 18, 'other'],
    ['AVOID_ADSB', 19, 'other'],
    ['GUIDED_NOGPS', 20, 'guided'],
    ['SMART_RTL', 21, 'return'],
    ['FLOWHOLD', 22, 'assisted'],
    ['FOLLOW', 23, 'guided'],
    ['ZIGZAG', 24, 'other'],
    ['SYSTEMID', 25, 'other'],
    ['AUTOROTATE', 26, 'other'],
    ['AUTO_RTL', 27, 'return'],
  ] as const
).map(([name, customMode, kind]) => ({ name, customMode, kind, settable: true }));

function tableFlavour(
  base: Omit<AutopilotFlavour, 'decodeMode' | 'encodeMode'>,
  encode: (m: ModeDefinition) => SetModeParams,
): AutopilotFlavour {
  const byValue = new Map(base.modes.map((m) => [m.customMode >>> 0, m]));
  const byName = new Map(base.modes.map((m) => [m.name.toUpperCase(), m]));
  return {
    ...base,
    decodeMode(_baseMode, customMode) {
      const m = byValue.get(customMode >>> 0);
      return m
        ? { name: m.name, kind: m.kind }
        : { name: `UNKNOWN(0x${(customMode >>> 0).toString(16)})`, kind: 'other' };
    },
    encodeMode(name) {
      const m = byName.get(name.trim().toUpperCase());
      return m?.settable ? encode(m) : null;
    },
  };
}

export const px4Flavour: AutopilotFlavour = tableFlavour(
  {
    name: 'px4',
    modes: PX4_MODES,
    holdMode: 'AUTO.LOITER',
    missionMode: 'AUTO.MISSION',
    returnMode: 'AUTO.RTL',
    landMode: 'AUTO.LAND',
    guidedMode: 'AUTO.LOITER',
    missionHasHomeItem: false,
    paramEncoding: 'bytewise',
  },
  (m) => ({
    baseMode: MODE_FLAG_CUSTOM_MODE_ENABLED,
    customMode: (m.customMode >>> 16) & 0xff,
    customSubMode: (m.customMode >>> 24) & 0xff,
  }),
);

export const ardupilotFlavour: AutopilotFlavour = tableFlavour(
  {
    name: 'ardupilot',
    modes: ARDUCOPTER_MODES,
    holdMode: 'LOITER',
    missionMode: 'AUTO',
    returnMode: 'RTL',
    landMode: 'LAND',
    guidedMode: 'GUIDED',
    missionHasHomeItem: true,
    paramEncoding: 'cast',
  },
  (m) => ({ baseMode: MODE_FLAG_CUSTOM_MODE_ENABLED, customMode: m.customMode, customSubMode: 0 }),
);

/** For autopilots Aerie does not know: modes are shown as numbers and cannot be set by name. */
export const genericFlavour: AutopilotFlavour = {
  name: 'generic',
  modes: [],
  decodeMode: (baseMode, customMode) => ({ name: `MODE(${baseMode},${customMode >>> 0})`, kind: 'other' }),
  encodeMode: () => null,
  holdMode: '',
  missionMode: '',
  returnMode: '',
  landMode: '',
  guidedMode: '',
  missionHasHomeItem: false,
  paramEncoding: 'cast',
};

/** Picks the flavour from HEARTBEAT.autopilot. */
export function flavourFor(autopilot: number): AutopilotFlavour {
  if (autopilot === MavAutopilot.Px4) return px4Flavour;
  if (autopilot === MavAutopilot.ArdupilotMega) return ardupilotFlavour;
  return genericFlavour;
}
