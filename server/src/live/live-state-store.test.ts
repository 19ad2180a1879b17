import { sampleVehicleState as st } from '@aerie/contracts';
import { describe, expect, it } from 'vitest';
import { LiveStateStore } from './live-state-store.ts';

describe('LiveStateStore', () => {
  it('reports unknown vehicles offline with no state', () => {
    expect(new LiveStateStore().get('v1')).toEqual({ online: false, state: null, updatedAtMs: null });
  });

  it('marks a vehicle online on update, keeps the last state when it goes offline, and notifies', () => {
    let t = 1000;
    const store = new LiveStateStore(() => t);
    const seen: [string, boolean][] = [];
    const unsubscribe = store.subscribe((id, e) => seen.push([id, e.online]));
    store.update('v1', st({ batteryPct: 50 }));
    t = 2000;
    store.update('v1', st({ batteryPct: 49 }));
    expect(store.get('v1')).toEqual({ online: true, state: st({ batteryPct: 49 }), updatedAtMs: 2000 });
    expect(store.onlineCount()).toBe(1);
    store.setOffline('v1');
    store.setOffline('v1');
    store.setOffline('never-seen');
    expect(store.get('v1')).toEqual({ online: false, state: st({ batteryPct: 49 }), updatedAtMs: 2000 });
    expect(store.onlineCount()).toBe(0);
    expect(seen).toEqual([
      ['v1', true],
      ['v1', true],
      ['v1', false],
    ]);
    unsubscribe();
    store.update('v2', st({}));
    expect(seen).toHaveLength(3);
    store.remove('v2');
    expect(store.get('v2').online).toBe(false);
  });
});
