/**
 * The two autopilots the simulator imitates, as seen on the wire: HEARTBEAT identity and
 * flight-mode numbers. The vehicle's behaviour is shared; only these encodings differ.
 */

/** Which autopilot the simulated vehicle pretends to be. */
export type Flavour = 'px4' | 'ardupilot';

/** What the simulated vehicle is doing, independent of how the flavour names it. */
export type Behaviour = 'manual' | 'hold' | 'takeoff' | 'mission' | 'rtl' | 'land' | 'guided';

export const MAV_AUTOPILOT_PX4 = 12;
export const MAV_AUTOPILOT_ARDUPILOTMEGA = 3;
export const MAV_TYPE_QUADROTOR = 2;

/** PX4 main modes (bits 16-23 of custom_mode) and AUTO sub modes (bits 24-31). */
export const Px4Main = {
  Manual: 1,
  Altctl: 2,
  Posctl: 3,
  Auto: 4,
  Acro: 5,
  Offboard: 6,
  Stabilized: 7,
} as const;
export const Px4AutoSub = { Ready: 1, Takeoff: 2, Loiter: 3, Mission: 4, Rtl: 5, Land: 6 } as const;

/** ArduCopter custom_mode numbers. */
export const CopterMode = {
  Stabilize: 0,
  Acro: 1,
  AltHold: 2,
  Auto: 3,
  Guided: 4,
  Loiter: 5,
  Rtl: 6,
  Circle: 7,
  Land: 9,
  PosHold: 16,
  Brake: 17,
  SmartRtl: 21,
} as const;

export function px4CustomMode(main: number, sub = 0): number {
  return ((main & 0xff) << 16) | ((sub & 0xff) << 24);
}

/** The custom_mode a flavour reports when the vehicle itself enters a behaviour. */
export function customModeFor(flavour: Flavour, behaviour: Behaviour): number {
  if (flavour === 'px4') {
    switch (behaviour) {
      case 'manual':
        return px4CustomMode(Px4Main.Posctl);
      case 'hold':
        return px4CustomMode(Px4Main.Auto, Px4AutoSub.Loiter) >>> 0;
      case 'takeoff':
        return px4CustomMode(Px4Main.Auto, Px4AutoSub.Takeoff) >>> 0;
      case 'mission':
        return px4CustomMode(Px4Main.Auto, Px4AutoSub.Mission) >>> 0;
      case 'rtl':
        return px4CustomMode(Px4Main.Auto, Px4AutoSub.Rtl) >>> 0;
      case 'land':
        return px4CustomMode(Px4Main.Auto, Px4AutoSub.Land) >>> 0;
      case 'guided':
        return px4CustomMode(Px4Main.Offboard);
    }
  }
  switch (behaviour) {
    case 'manual':
      return CopterMode.Stabilize;
    case 'hold':
      return CopterMode.Loiter;
    case 'takeoff':
    case 'guided':
      return CopterMode.Guided;
    case 'mission':
      return CopterMode.Auto;
    case 'rtl':
      return CopterMode.Rtl;
    case 'land':
      return CopterMode.Land;
  }
}

/**
 * What a DO_SET_MODE asks for: undefined when the flavour has no such mode.
 * PX4: param2 main mode, param3 sub mode. ArduPilot: param2 is the mode number.
 */
export function behaviourForSetMode(
  flavour: Flavour,
  param2: number,
  param3: number,
): { behaviour: Behaviour; customMode: number } | undefined {
  if (flavour === 'px4') {
    const main = Math.round(param2);
    const sub = Math.round(param3);
    switch (main) {
      case Px4Main.Manual:
      case Px4Main.Altctl:
      case Px4Main.Posctl:
      case Px4Main.Acro:
      case Px4Main.Stabilized:
        return { behaviour: 'manual', customMode: px4CustomMode(main) };
      case Px4Main.Offboard:
        return { behaviour: 'guided', customMode: px4CustomMode(main) };
      case Px4Main.Auto: {
        const byAutoSub: Record<number, Behaviour> = {
          [Px4AutoSub.Takeoff]: 'takeoff',
          [Px4AutoSub.Loiter]: 'hold',
          [Px4AutoSub.Mission]: 'mission',
          [Px4AutoSub.Rtl]: 'rtl',
          [Px4AutoSub.Land]: 'land',
        };
        const behaviour = byAutoSub[sub];
        return behaviour ? { behaviour, customMode: px4CustomMode(main, sub) >>> 0 } : undefined;
      }
      default:
        return undefined;
    }
  }
  const mode = Math.round(param2);
  const byMode: Record<number, Behaviour> = {
    [CopterMode.Stabilize]: 'manual',
    [CopterMode.Acro]: 'manual',
    [CopterMode.AltHold]: 'manual',
    [CopterMode.Auto]: 'mission',
    [CopterMode.Guided]: 'guided',
    [CopterMode.Loiter]: 'hold',
    [CopterMode.Rtl]: 'rtl',
    [CopterMode.Circle]: 'hold',
    [CopterMode.Land]: 'land',
    [CopterMode.PosHold]: 'hold',
    [CopterMode.Brake]: 'hold',
    [CopterMode.SmartRtl]: 'rtl',
  };
  const behaviour = byMode[mode];
  return behaviour ? { behaviour, customMode: mode } : undefined;
}

/** A readable mode name for logs and the programmatic API (e.g. `AUTO.LOITER`, `GUIDED`). */
export function modeName(flavour: Flavour, customMode: number): string {
  if (flavour === 'px4') {
    const main = (customMode >> 16) & 0xff;
    const sub = customMode >>> 24;
    const mains: Record<number, string> = {
      1: 'MANUAL',
      2: 'ALTCTL',
      3: 'POSCTL',
      4: 'AUTO',
      5: 'ACRO',
      6: 'OFFBOARD',
      7: 'STABILIZED',
    };
    const subs: Record<number, string> = {
      1: 'READY',
      2: 'TAKEOFF',
      3: 'LOITER',
      4: 'MISSION',
      5: 'RTL',
      6: 'LAND',
    };
    const m = mains[main] ?? `MAIN${main}`;
    return main === Px4Main.Auto ? `${m}.${subs[sub] ?? `SUB${sub}`}` : m;
  }
  const names: Record<number, string> = {
    0: 'STABILIZE',
    1: 'ACRO',
    2: 'ALT_HOLD',
    3: 'AUTO',
    4: 'GUIDED',
    5: 'LOITER',
    6: 'RTL',
    7: 'CIRCLE',
    9: 'LAND',
    16: 'POSHOLD',
    17: 'BRAKE',
    21: 'SMART_RTL',
  };
  return names[customMode] ?? `MODE${customMode}`;
}
