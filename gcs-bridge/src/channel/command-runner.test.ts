import { describe, expect, it } from 'vitest';
import { fail, ok } from '../result.ts';
import type { StatusTextEntry } from '../vehicle/state.ts';
import { type CommandableVehicle, refusalText, runVehicleCommand } from './command-runner.ts';

const text = (atMs: number, severity: number, t: string): StatusTextEntry => ({
  atMs,
  severity,
  severityName: String(severity),
  text: t,
});

describe('the reason of a refusal', () => {
  it('is the newest warning-or-worse text heard after the command was sent', () => {
    const old = text(1, 2, 'Arming denied: old reason');
    const texts = [old, text(2, 2, 'Arming denied: dock lid is not open'), text(3, 6, 'Takeoff detected')];
    expect(refusalText(texts, old)).toBe('Arming denied: dock lid is not open');
  });

  it('ignores what was said before the command and mere information', () => {
    const before = text(1, 2, 'Arming denied: earlier');
    expect(refusalText([before, text(2, 6, 'Armed by external command')], before)).toBeNull();
    expect(refusalText([], undefined)).toBeNull();
  });
});

/** A vehicle whose arm is refused with a status text, as the simulator's dock interlock does. */
function refusingVehicle(say: string | null): CommandableVehicle {
  const statusTexts: StatusTextEntry[] = [text(1, 6, 'Ready for takeoff')];
  const notUsed = () => Promise.resolve(ok({ command: 0, sends: 1 }));
  return {
    state: { statusTexts },
    arm: async () => {
      if (say) statusTexts.push(text(2, 2, say));
      return fail('Denied', 'vehicle answered command 400 with DENIED', { command: 400 });
    },
    disarm: notUsed,
    takeoff: notUsed,
    hold: notUsed,
    resume: notUsed,
    returnToLaunch: notUsed,
    land: notUsed,
    goto: notUsed,
    setMode: notUsed,
    startMission: notUsed,
  } as CommandableVehicle;
}

describe('runVehicleCommand', () => {
  it("carries the vehicle's own words with a refusal", async () => {
    const v = refusingVehicle('Arming denied: dock lid is not open');
    const reply = await runVehicleCommand(
      { vehicle: () => v },
      { requestId: 'r', sysid: 1, command: { action: 'arm' } },
    );
    expect(reply).toEqual({
      ok: false,
      error: {
        code: 'Denied',
        message: 'vehicle answered command 400 with DENIED',
        detail: { command: 400, statusText: 'Arming denied: dock lid is not open' },
      },
    });
  });

  it('leaves the reply as it was when the vehicle said nothing', async () => {
    const reply = await runVehicleCommand(
      { vehicle: () => refusingVehicle(null) },
      { requestId: 'r', sysid: 1, command: { action: 'arm' } },
    );
    expect(reply.ok ? null : reply.error.detail).toEqual({ command: 400 });
  });
});
