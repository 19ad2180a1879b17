import { describe, expect, it } from 'vitest';
import { initialLoad, listView, settleLoad, startLoad, updateLoaded } from './load-state.ts';

describe('load state', () => {
  it('a failed load is an error, never an empty list', () => {
    const s = startLoad(initialLoad<string[]>());
    const failed = settleLoad(s, s.gen, { ok: false, error: new Error('502') });
    expect(failed.status).toBe('failed');
    expect(listView(failed)).toEqual({ kind: 'failed', error: new Error('502'), stale: undefined });
  });

  it('an empty list only when the load succeeded with no items', () => {
    const s = startLoad(initialLoad<string[]>());
    expect(listView(s)).toEqual({ kind: 'loading' });
    expect(listView(settleLoad(s, s.gen, { ok: true, data: [] }))).toEqual({ kind: 'empty' });
    expect(listView(settleLoad(s, s.gen, { ok: true, data: ['a'] }))).toEqual({
      kind: 'items',
      items: ['a'],
    });
  });

  it('a retry that succeeds clears the error', () => {
    let s = startLoad(initialLoad<string[]>());
    s = settleLoad(s, s.gen, { ok: false, error: 'down' });
    s = startLoad(s);
    expect(s.error).toBeNull();
    s = settleLoad(s, s.gen, { ok: true, data: ['dock'] });
    expect(s).toMatchObject({ status: 'ready', data: ['dock'], error: null });
  });

  it('an answer to an older request is dropped', () => {
    const first = startLoad(initialLoad<string[]>());
    const second = startLoad(first);
    const late = settleLoad(second, first.gen, { ok: true, data: ['old'] });
    expect(late).toBe(second);
    expect(settleLoad(second, second.gen, { ok: true, data: ['new'] }).data).toEqual(['new']);
  });

  it('a failed reload keeps the data it had, with the error', () => {
    let s = startLoad(initialLoad<string[]>());
    s = settleLoad(s, s.gen, { ok: true, data: ['a'] });
    s = startLoad(s);
    s = settleLoad(s, s.gen, { ok: false, error: 'timeout' });
    expect(listView(s)).toEqual({ kind: 'failed', error: 'timeout', stale: ['a'] });
  });

  it('local updates apply only to loaded data', () => {
    const none = initialLoad<string[]>();
    expect(updateLoaded(none, (d) => [...d, 'x'])).toBe(none);
    let s = startLoad(none);
    s = settleLoad(s, s.gen, { ok: true, data: ['a'] });
    expect(updateLoaded(s, (d) => [...d, 'b']).data).toEqual(['a', 'b']);
  });
});
