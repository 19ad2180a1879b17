/**
 * What a PX4 vehicle does when its ground station goes silent (a field test interrupted, a bridge
 * stopped): the data-link-loss failsafe. Pure: the caller reads the parameters, this says what
 * they mean.
 *
 * PX4 (v1.14-v1.16): after COM_DL_LOSS_T seconds without a GCS heartbeat it takes NAV_DLL_ACT
 * (0 disabled, 1 hold, 2 return, 3 land, 5 terminate, 6 disarm), unless the current mode is
 * exempt in COM_DLL_EXCEPT (bit 0 mission, bit 1 hold, bit 2 offboard). SITL enables the failsafe
 * by default, so an interrupted field test ends in Return mode, not in the mission going on.
 */

export interface LinkLossParams {
  /** NAV_DLL_ACT, null when it could not be read. */
  navDllAct: number | null;
  /** COM_DL_LOSS_T in seconds, null when it could not be read. */
  lossTimeoutS: number | null;
  /** COM_DLL_EXCEPT bit mask, null when it could not be read. */
  exceptMask: number | null;
}

export type LinkLossAction = 'none' | 'hold' | 'return' | 'land' | 'terminate' | 'disarm' | 'unknown';

export interface LinkLossOutcome {
  action: LinkLossAction;
  /** Whether the action came from parameters read from the vehicle. */
  fromVehicle: boolean;
  /** One sentence for the operator. */
  text: string;
}

const ACTIONS: Record<number, LinkLossAction> = {
  0: 'none',
  1: 'hold',
  2: 'return',
  3: 'land',
  5: 'terminate',
  6: 'disarm',
};

const DOING: Record<LinkLossAction, string> = {
  none: 'keeps flying its current mode (the data-link-loss failsafe is disabled)',
  hold: 'switches to Hold and hovers where it is',
  return: 'returns to launch (Return mode) and lands there',
  land: 'lands where it is',
  terminate: 'terminates flight (motors off, parachute if fitted)',
  disarm: 'disarms (it falls if in the air)',
  unknown: 'takes its data-link-loss failsafe action NAV_DLL_ACT (Return mode unless configured otherwise)',
};

const MODE_EXCEPT_BIT: Record<string, number> = { mission: 1, hold: 2, offboard: 4 };

/**
 * What the vehicle will do once the ground station stops talking to it, in the given mode kind
 * ('mission', 'hold', ...; see ModeKind).
 */
export function px4LinkLossOutcome(
  params: LinkLossParams,
  modeKind: string,
  inAir: boolean,
): LinkLossOutcome {
  const after =
    params.lossTimeoutS === null
      ? 'COM_DL_LOSS_T seconds after the ground station goes silent'
      : `${fmt(params.lossTimeoutS)} s after the ground station goes silent`;
  if (!inAir) {
    return {
      action: 'none',
      fromVehicle: params.navDllAct !== null,
      text: 'the vehicle is on the ground; losing the ground station triggers no flight action',
    };
  }
  const exemptBit = MODE_EXCEPT_BIT[modeKind];
  if (params.exceptMask !== null && exemptBit !== undefined && (params.exceptMask & exemptBit) !== 0) {
    return {
      action: 'none',
      fromVehicle: true,
      text: `the vehicle keeps flying: its ${modeKind} mode is exempt from the data-link-loss failsafe (COM_DLL_EXCEPT=${params.exceptMask})`,
    };
  }
  if (params.navDllAct === null) {
    return {
      action: 'unknown',
      fromVehicle: false,
      text: `${after} the vehicle ${DOING.unknown}`,
    };
  }
  const action = ACTIONS[params.navDllAct] ?? 'unknown';
  const doing =
    action === 'unknown' ? `takes failsafe action NAV_DLL_ACT=${params.navDllAct}` : DOING[action];
  return {
    action,
    fromVehicle: true,
    text:
      action === 'none'
        ? `the vehicle ${doing} (NAV_DLL_ACT=0)`
        : `${after} the vehicle ${doing} (NAV_DLL_ACT=${params.navDllAct})`,
  };
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));
