import { describe, expect, it } from 'vitest';
import { memoryBusNetwork } from './bus.ts';
import { abortOfMessage, relaySortieAborts } from './sortie-relay.ts';

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

  it('takes an abort from a node older than the failure code as the operator abort it is, with its message', async () => {
    const net = memoryBusNetwork();
    const aborted: unknown[] = [];
    const b = relaySortieAborts(net.join('b'), {
      abort: (id, code, message, params) => {
        aborted.push({ id, code, message, params });
        return true;
      },
    });
    // What a node from before the code was on the bus publishes (the only abort it relays).
    const old = net.join('old');
    const accepted = new Promise((resolve) => old.subscribe('sortie.abort.accepted', resolve));
    old.publish('sortie.abort', {
      nodeId: 'old',
      requestId: 'r-1',
      sortieId: 's-1',
      message: 'aborted by wang: 改期',
    } as never);
    expect(await accepted).toEqual({ nodeId: 'b', to: 'old', requestId: 'r-1' });
    expect(aborted).toEqual([
      { id: 's-1', code: 'OperatorAbort', message: 'aborted by wang: 改期', params: undefined },
    ]);
    b.close();
  });

  it('keeps the code and params of a current message', () => {
    const m = { nodeId: 'a', requestId: 'r', sortieId: 's', message: 'pre-empted' };
    expect(abortOfMessage({ ...m, code: 'Preempted', params: { sortieClass: 'emergency' } })).toEqual({
      code: 'Preempted',
      message: 'pre-empted',
      params: { sortieClass: 'emergency' },
    });
    expect(abortOfMessage({ ...m, code: 'Preempted' })).toEqual({ code: 'Preempted', message: 'pre-empted' });
    expect(abortOfMessage(m)).toEqual({ code: 'OperatorAbort', message: 'pre-empted' });
  });
});
