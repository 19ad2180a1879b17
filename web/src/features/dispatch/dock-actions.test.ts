import { describe, expect, it } from 'vitest';
import { dockActionsFor } from './dock-actions.ts';

describe('the dock buttons a role sees', () => {
  it('are every command for a dispatcher, a flight cycle for a pilot, none for the others', () => {
    expect(dockActionsFor({ command: true, prepare: true })).toEqual([
      'open_lid',
      'close_lid',
      'start_charging',
      'stop_charging',
      'prepare_takeoff',
    ]);
    expect(dockActionsFor({ command: false, prepare: true })).toEqual([
      'open_lid',
      'close_lid',
      'start_charging',
      'prepare_takeoff',
    ]);
    expect(dockActionsFor({ command: false, prepare: false })).toEqual([]);
  });
});
