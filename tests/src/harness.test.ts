import { describe, expect, it } from 'vitest';
import { Teardown } from './harness.ts';

describe('Teardown', () => {
  it('closes the last opened first, each once, and hands each close its thing', async () => {
    const t = new Teardown();
    const closed: string[] = [];
    expect(t.add('dir', (d) => closed.push(d))).toBe('dir');
    t.defer(() => closed.push('server'));
    t.add({ name: 'socket' }, async (s) => {
      await Promise.resolve();
      closed.push(s.name);
    });
    await t.run();
    expect(closed).toEqual(['socket', 'server', 'dir']);
    await t.run();
    expect(closed).toHaveLength(3);
  });

  it('runs the rest when a step throws, then throws what failed', async () => {
    const t = new Teardown();
    const closed: string[] = [];
    t.defer(() => closed.push('first'));
    t.defer(() => {
      throw new Error('socket already gone');
    });
    t.defer(() => closed.push('last'));
    await expect(t.run()).rejects.toThrow('socket already gone');
    expect(closed).toEqual(['last', 'first']);

    t.defer(() => Promise.reject(new Error('a')));
    t.defer(() => Promise.reject(new Error('b')));
    await expect(t.run()).rejects.toThrow('2 teardown steps failed');
  });
});
