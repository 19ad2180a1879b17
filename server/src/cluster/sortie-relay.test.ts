import { describe, expect, it } from 'vitest';
import { memoryBusNetwork } from './bus.ts';
import { relaySortieAborts } from './sortie-relay.ts';

describe('aborting a sortie from another node', () => {
  it('reaches the node driving it, and answers false when none does', async () => {
    const net = memoryBusNetwork();
    const abortedOnB: string[] = [];
    const a = relaySortieAborts(net.join('a'), { abort: () => false }, 50);
    const b = relaySortieAborts(
      net.join('b'),
      {
        abort: (id, _code, message) => {
          if (id !== 's-1') return false;
          abortedOnB.push(`${id}: ${message}`);
          return true;
        },
      },
      50,
    );
    const c = relaySortieAborts(net.join('c'), { abort: () => false }, 50);
    expect(await a.abortElsewhere('s-1', 'aborted by dispatcher')).toBe(true);
    expect(abortedOnB).toEqual(['s-1: aborted by dispatcher']);
    expect(await c.abortElsewhere('s-2', 'aborted by dispatcher')).toBe(false);
    for (const r of [a, b, c]) r.close();
  });
});
