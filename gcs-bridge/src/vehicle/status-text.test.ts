import { common } from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import { applyMessage, createVehicleState, flushStatusTextChunks } from './state.ts';
import { addStatusTextChunk, createStatusTextAssembler, flushStatusTexts } from './status-text.ts';

const pad = (s: string) => s.padEnd(50, '\0');
const chunk = (text: string, id: number, chunkSeq: number, severity = 6) => ({
  severity,
  text,
  id,
  chunkSeq,
});

describe('STATUSTEXT chunk reassembly', () => {
  it('joins the two chunks PX4 v1.16.2 sends for a long RTL text', () => {
    const a = createStatusTextAssembler();
    // The first chunk fills all 50 characters (no NUL); the second ends with NUL padding.
    expect(
      addStatusTextChunk(a, chunk('RTL: start return at 520 m (30 m above destination', 7, 0), 0),
    ).toEqual([]);
    expect(addStatusTextChunk(a, chunk(pad(')\t'), 7, 1), 5)).toEqual([
      { severity: 6, text: 'RTL: start return at 520 m (30 m above destination)\t', partial: false },
    ]);
    expect(a.pending.size).toBe(0);
  });

  it('passes a text with id 0 straight through, cut at its NUL', () => {
    const a = createStatusTextAssembler();
    expect(addStatusTextChunk(a, chunk(pad('Takeoff detected'), 0, 0, 5), 0)).toEqual([
      { severity: 5, text: 'Takeoff detected', partial: false },
    ]);
  });

  it('takes chunks out of order and twice, and keeps interleaved texts apart', () => {
    const a = createStatusTextAssembler();
    const x = 'x'.repeat(50);
    const y = 'y'.repeat(50);
    expect(addStatusTextChunk(a, chunk(pad('end-x'), 1, 2), 0)).toEqual([]);
    expect(addStatusTextChunk(a, chunk(y, 2, 0), 1)).toEqual([]);
    expect(addStatusTextChunk(a, chunk(x, 1, 0), 2)).toEqual([]);
    expect(addStatusTextChunk(a, chunk(x, 1, 0), 3)).toEqual([]);
    const done = addStatusTextChunk(a, chunk(x, 1, 1), 4);
    expect(done.map((t) => t.text)).toEqual([`${x}${x}end-x`]);
    expect(addStatusTextChunk(a, chunk('short', 2, 1), 5).map((t) => t.text)).toEqual([`${y}short`]);
  });

  it('flushes a text whose end never came after the timeout, marking what is missing', () => {
    const a = createStatusTextAssembler(2000);
    addStatusTextChunk(a, chunk('a'.repeat(50), 9, 0), 0);
    addStatusTextChunk(a, chunk('b'.repeat(50), 9, 1), 500);
    expect(flushStatusTexts(a, 2000)).toEqual([]);
    expect(flushStatusTexts(a, 2500)).toEqual([
      { severity: 6, text: `${'a'.repeat(50)}${'b'.repeat(50)}…`, partial: true },
    ]);
    expect(a.pending.size).toBe(0);
    // A lost middle chunk: the end arrived, the gap is marked.
    addStatusTextChunk(a, chunk('a'.repeat(50), 10, 0), 3000);
    addStatusTextChunk(a, chunk(pad('end'), 10, 2), 3100);
    expect(flushStatusTexts(a, 5200).map((t) => t.text)).toEqual([`${'a'.repeat(50)}…end`]);
  });

  it('flushes a timed-out text when the next chunk of another text arrives', () => {
    const a = createStatusTextAssembler(1000);
    addStatusTextChunk(a, chunk('a'.repeat(50), 3, 0), 0);
    const out = addStatusTextChunk(a, chunk(pad('Landing detected'), 0, 0), 5000);
    expect(out.map((t) => [t.text, t.partial])).toEqual([
      [`${'a'.repeat(50)}…`, true],
      ['Landing detected', false],
    ]);
  });
});

describe('the state reducer shows one message per chunked text', () => {
  function statustext(text: string, id: number, chunkSeq: number) {
    const m = new common.StatusText();
    Object.assign(m, { severity: 6, text, id, chunkSeq });
    return m;
  }

  it('emits one status_text event and one history entry for two chunks', () => {
    const s = createVehicleState(1, 1);
    expect(
      applyMessage(s, 253, statustext('RTL: start return at 520 m (30 m above destination', 4, 0), 1),
    ).toEqual([]);
    const events = applyMessage(s, 253, statustext(pad(')\t'), 4, 1), 2);
    expect(events).toEqual([
      {
        type: 'status_text',
        atMs: 2,
        severity: 6,
        severityName: 'info',
        text: 'RTL: start return at 520 m (30 m above destination)',
      },
    ]);
    expect(s.statusTexts.map((t) => t.text)).toEqual(['RTL: start return at 520 m (30 m above destination)']);
    // Nothing of the chunk buffer leaks into the state a snapshot copies.
    expect(Object.keys(s)).not.toContain('statusAssembly');
  });

  it('flushes a partial text from the periodic timer', () => {
    const s = createVehicleState(1, 1);
    applyMessage(s, 253, statustext('c'.repeat(50), 8, 0), 0);
    expect(flushStatusTextChunks(s, 100)).toEqual([]);
    const out = flushStatusTextChunks(s, 10_000);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ type: 'status_text', text: `${'c'.repeat(50)}…` });
    expect(s.statusTexts).toHaveLength(1);
  });
});
