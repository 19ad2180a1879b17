import { describe, expect, it } from 'vitest';
import { AerieDockCycleState, AerieDockLidState } from './aerie-dock.ts';
import { DOCK_CHARGER_NAMES, DOCK_CYCLE_NAMES, DOCK_LID_NAMES } from './state-names.ts';

describe('dock state names', () => {
  it('are the dialect enum names in lower case, indexed by wire value', () => {
    expect(DOCK_LID_NAMES).toEqual(['unknown', 'closed', 'opening', 'open', 'closing', 'jammed']);
    expect(DOCK_CHARGER_NAMES).toEqual(['unknown', 'idle', 'charging', 'full', 'fault']);
    expect(DOCK_CYCLE_NAMES[AerieDockCycleState.READY_FOR_TAKEOFF]).toBe('ready_for_takeoff');
    expect(DOCK_CYCLE_NAMES).toHaveLength(6);
    expect(DOCK_LID_NAMES[AerieDockLidState.JAMMED]).toBe('jammed');
  });
});
