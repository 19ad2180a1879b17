import { describe, expect, it } from 'vitest';
import { memoryBusNetwork } from './bus.ts';
import { relaySortieAborts } from './sortie-relay.ts';

describe('aborting a sortie from another node', () => {
  it('reaches the node driving it with its code and params, and answers false when none does', async () => {
    const net = memoryBusNetwork();
    const abortedOnB: unknown[] = [];
    const a = relaySortieAborts(net.join('a'), { abort: () => false }, 50);
    const b = relaySortieAborts(
      net.join('b'),
      {
        abort: (id, code, message, params) => {
          if (id !== 's-1') return false;
          abortedOnB.push({ id, code, message, params });
          return true;
        },
      },
      50,
    );
    const c = relaySortieAborts(net.join('c'), { abort: () => false }, 50);
    const said = { who: 'dispatcher', reason: 'smoke over the river' };
    expect(
      await a.abortElsewhere('s-1', 'OperatorAbort', 'aborted by dispatcher: smoke over the river', said),
    ).toBe(true);
    // The console words it from the code and params (zh-CN first), as after a local abort.
    expect(abortedOnB).toEqual([
      {
        id: 's-1',
        code: 'OperatorAbort',
        message: 'aborted by dispatcher: smoke over the river',
        params: said,
      },
    ]);
    expect(
      await c.abortElsewhere('s-1', 'Preempted', 'pre-empted by an emergency sortie', {
        sortieClass: 'emergency',
      }),
    ).toBe(true);
    expect(abortedOnB[1]).toEqual({
      id: 's-1',
      code: 'Preempted',
      message: 'pre-empted by an emergency sortie',
      params: { sortieClass: 'emergency' },
    });
    expect(await c.abortElsewhere('s-2', 'OperatorAbort', 'aborted by dispatcher')).toBe(false);
    for (const r of [a, b, c]) r.close();
  });
});
