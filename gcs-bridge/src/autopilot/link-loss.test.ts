import { describe, expect, it } from 'vitest';
import { px4LinkLossOutcome } from './link-loss.ts';

describe('what PX4 does when the ground station goes silent', () => {
  it('returns to launch with the SITL defaults read from the vehicle', () => {
    const o = px4LinkLossOutcome({ navDllAct: 2, lossTimeoutS: 10, exceptMask: 0 }, 'mission', true);
    expect(o).toMatchObject({ action: 'return', fromVehicle: true });
    expect(o.text).toBe(
      '10 s after the ground station goes silent the vehicle returns to launch (Return mode) and lands there (NAV_DLL_ACT=2)',
    );
  });

  it('names each configured action', () => {
    const act = (n: number) =>
      px4LinkLossOutcome({ navDllAct: n, lossTimeoutS: 5, exceptMask: 0 }, 'mission', true).action;
    expect([0, 1, 2, 3, 5, 6, 4].map(act)).toEqual([
      'none',
      'hold',
      'return',
      'land',
      'terminate',
      'disarm',
      'unknown',
    ]);
    expect(px4LinkLossOutcome({ navDllAct: 4, lossTimeoutS: 5, exceptMask: 0 }, 'hold', true).text).toContain(
      'NAV_DLL_ACT=4',
    );
  });

  it('keeps flying when the mode is exempt in COM_DLL_EXCEPT', () => {
    const o = px4LinkLossOutcome({ navDllAct: 2, lossTimeoutS: 10, exceptMask: 1 }, 'mission', true);
    expect(o.action).toBe('none');
    expect(o.text).toContain('COM_DLL_EXCEPT=1');
    // The mission bit does not exempt Return mode.
    expect(px4LinkLossOutcome({ navDllAct: 3, lossTimeoutS: 10, exceptMask: 1 }, 'return', true).action).toBe(
      'land',
    );
  });

  it('says what PX4 does by default when the parameters could not be read', () => {
    const o = px4LinkLossOutcome({ navDllAct: null, lossTimeoutS: null, exceptMask: null }, 'mission', true);
    expect(o).toMatchObject({ action: 'unknown', fromVehicle: false });
    expect(o.text).toContain('COM_DL_LOSS_T seconds after');
    expect(o.text).toContain('Return mode');
  });

  it('says nothing happens on the ground', () => {
    const o = px4LinkLossOutcome({ navDllAct: 2, lossTimeoutS: 10, exceptMask: 0 }, 'mission', false);
    expect(o.action).toBe('none');
    expect(o.text).toContain('on the ground');
  });
});
