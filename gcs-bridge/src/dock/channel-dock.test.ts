/** Dock items in the bridge's outbox and dock commands from the server, without sockets. */
import { describe, expect, it } from 'vitest';
import { checkDockCommandRequest, runDockCommand } from '../channel/command-runner.ts';
import type { DockCommand, DockStatusPayload } from '../channel/events.ts';
import { ChannelOutbox } from '../channel/outbox.ts';
import { fail, ok } from '../result.ts';
import { dockCommandSpec, faultsFromFlags } from './dock.ts';

const status = { sysid: 101, state: 'idle' } as DockStatusPayload;

describe('dock items in the outbox', () => {
  it('drops the oldest dock status like telemetry and keeps every dock event', () => {
    const box = new ChannelOutbox({ maxItems: 3 });
    box.push({ kind: 'dock_state', sysid: 101, atMs: 1, dock: status });
    box.push({ kind: 'dock_event', sysid: 101, atMs: 2, event: { type: 'discovered', atMs: 2 } });
    box.push({ kind: 'dock_state', sysid: 101, atMs: 3, dock: status });
    box.push({ kind: 'dock_event', sysid: 101, atMs: 4, event: { type: 'lost', atMs: 4 } });
    box.push({ kind: 'dock_state', sysid: 101, atMs: 5, dock: status });
    expect(box.batch(10).map((i) => `${i.kind}@${i.atMs}`)).toEqual([
      'dock_event@2',
      'dock_event@4',
      'dock_state@5',
    ]);
    expect(box.stats().droppedStates).toBe(2);
  });
});

describe('dock commands from the server', () => {
  const runs: DockCommand[] = [];
  const docks = {
    dock: (sysid: number) =>
      sysid === 101
        ? {
            run: async (c: DockCommand) => {
              runs.push(c);
              return c.action === 'close_lid'
                ? fail('Denied', 'COMMAND_ACK DENIED', { command: 31500 })
                : ok({ command: dockCommandSpec(c).command, sends: 1 });
            },
          }
        : undefined,
  };

  it('names what is wrong with a malformed request', () => {
    expect(checkDockCommandRequest(null)).toBe('the request is not an object');
    expect(checkDockCommandRequest({ sysid: 0, command: { action: 'open_lid' } })).toMatch(/sysid must be/);
    expect(checkDockCommandRequest({ sysid: 101, command: { action: 'explode' } })).toMatch(
      /unknown command.action "explode"/,
    );
    expect(checkDockCommandRequest({ sysid: 101, command: { action: 'prepare_landing' } })).toBeNull();
  });

  it('answers with the dock result, UnknownDock, or BadCommand', async () => {
    expect(
      await runDockCommand(docks, { requestId: 'r', sysid: 101, command: { action: 'open_lid' } }),
    ).toEqual({
      ok: true,
      value: { command: 31500, sends: 1 },
    });
    const denied = await runDockCommand(docks, {
      requestId: 'r',
      sysid: 101,
      command: { action: 'close_lid' },
    });
    expect(denied).toMatchObject({ ok: false, error: { code: 'Denied', detail: { command: 31500 } } });
    const unknown = await runDockCommand(docks, {
      requestId: 'r',
      sysid: 7,
      command: { action: 'open_lid' },
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UnknownDock' } });
    const bad = await runDockCommand(docks, {
      requestId: 'r',
      sysid: 101,
      command: { action: 'nope' } as unknown as DockCommand,
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BadCommand' } });
    expect(runs.map((c) => c.action)).toEqual(['open_lid', 'close_lid']);
  });

  it('maps every action to its dialect command and the fault bits to codes', () => {
    expect(dockCommandSpec({ action: 'start_charging' })).toEqual({ command: 31501, param1: 1 });
    expect(dockCommandSpec({ action: 'stop_charging' })).toEqual({ command: 31501, param1: 0 });
    expect(dockCommandSpec({ action: 'prepare_takeoff' }).command).toBe(31502);
    expect(dockCommandSpec({ action: 'prepare_landing' }).command).toBe(31503);
    expect(faultsFromFlags(0b11111 | 0x100)).toEqual([
      'lid_jam',
      'charger_fault',
      'power_loss',
      'over_temperature',
      'sensor_fault',
    ]);
  });
});
