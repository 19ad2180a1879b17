import { describe, expect, it } from 'vitest';
import { StreamHub, type StreamUnit } from './hub.ts';

/** A viewer whose transport writes only when the test says so. */
function manualSink() {
  const got: StreamUnit[] = [];
  const pending: (() => void)[] = [];
  return {
    got,
    sink: {
      send(unit: StreamUnit, written: () => void) {
        got.push(unit);
        pending.push(written);
      },
    },
    /** Completes every write handed over so far. */
    flush() {
      while (pending.length) pending.shift()?.();
    },
  };
}

const jpeg = (n: number): StreamUnit => ({ bytes: new Uint8Array([n]), key: true, capturedAtMs: 1000 + n });

describe('StreamHub', () => {
  it('fans one unit out to every viewer', () => {
    const hub = new StreamHub();
    const a = manualSink();
    const b = manualSink();
    hub.addViewer(a.sink);
    hub.addViewer(b.sink);
    hub.push(jpeg(1));
    expect(a.got.map((u) => u.capturedAtMs)).toEqual([1001]);
    expect(b.got.map((u) => u.capturedAtMs)).toEqual([1001]);
  });

  it('a slow viewer drops the oldest waiting frame and gets the newest next; a fast one gets all', () => {
    const hub = new StreamHub({ maxInFlight: 1 });
    const slow = manualSink();
    const fast = manualSink();
    const s = hub.addViewer(slow.sink);
    hub.addViewer(fast.sink);
    for (let n = 1; n <= 5; n++) {
      hub.push(jpeg(n));
      fast.flush();
    }
    // Frame 1 went out, 2..4 each replaced the one before in the slot, 5 waits.
    expect(slow.got.map((u) => u.capturedAtMs)).toEqual([1001]);
    slow.flush();
    expect(slow.got.map((u) => u.capturedAtMs)).toEqual([1001, 1005]);
    expect(s.stats.dropped).toBe(3);
    expect(fast.got).toHaveLength(5);
  });

  it('a new viewer starts at once from the last frame', () => {
    const hub = new StreamHub();
    hub.push(jpeg(1));
    hub.push(jpeg(2));
    const late = manualSink();
    hub.addViewer(late.sink);
    expect(late.got.map((u) => u.capturedAtMs)).toEqual([1002]);
  });

  it('inter-coded: a new viewer gets the init segment and the GOP; a lagging one skips to the next key unit', () => {
    const hub = new StreamHub({ maxInFlight: 1 });
    hub.setInit(new Uint8Array([9]));
    const unit = (n: number, key: boolean): StreamUnit => ({
      bytes: new Uint8Array([n]),
      key,
      capturedAtMs: n,
    });
    hub.push(unit(1, true));
    hub.push(unit(2, false));
    const v = manualSink();
    hub.addViewer(v.sink);
    expect(v.got.map((u) => u.bytes[0])).toEqual([9, 1, 2]);
    v.flush();
    hub.push(unit(3, false)); // sent
    hub.push(unit(4, false)); // waits in the slot
    hub.push(unit(5, false)); // 4 and 5 lost: needs a key unit
    hub.push(unit(6, false)); // skipped
    v.flush();
    hub.push(unit(7, true));
    v.flush();
    hub.push(unit(8, false));
    expect(v.got.map((u) => u.bytes[0])).toEqual([9, 1, 2, 3, 7, 8]);
  });

  it('a viewer whose transport says it lags skips to the next key unit, then carries on', () => {
    const hub = new StreamHub();
    const unit = (n: number, key: boolean): StreamUnit => ({
      bytes: new Uint8Array([n]),
      key,
      capturedAtMs: n,
    });
    let lagging = false;
    const got: number[] = [];
    const v = hub.addViewer({
      send(u, written) {
        got.push(u.bytes[0]!);
        written();
      },
      lagging: () => lagging,
    });
    hub.push(unit(1, true));
    hub.push(unit(2, false));
    lagging = true;
    hub.push(unit(3, false)); // the queue grew: skipped, and so is every delta after it
    lagging = false;
    hub.push(unit(4, false));
    hub.push(unit(5, false));
    hub.push(unit(6, true)); // the next key unit: back at the live edge
    hub.push(unit(7, false));
    expect(got).toEqual([1, 2, 6, 7]);
    expect(v.stats.dropped).toBe(3);
    // A key unit goes out even while the transport lags: it restarts the decoder.
    lagging = true;
    hub.push(unit(8, true));
    expect(got).toEqual([1, 2, 6, 7, 8]);
  });

  it('tells when the first viewer comes and the last goes, and forgets a lost source', () => {
    const calls: boolean[] = [];
    const hub = new StreamHub({ onDemand: (w) => calls.push(w) });
    const a = hub.addViewer(manualSink().sink);
    const b = hub.addViewer(manualSink().sink);
    a.remove();
    a.remove();
    b.remove();
    expect(calls).toEqual([true, false]);
    hub.push(jpeg(1));
    hub.reset();
    const v = manualSink();
    hub.addViewer(v.sink);
    expect(v.got).toEqual([]);
    expect(hub.lastCapturedAtMs).toBeNull();
  });
});
