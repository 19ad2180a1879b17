/**
 * STATUSTEXT chunk reassembly (MAVLink 2). A text longer than 50 characters goes out as several
 * STATUSTEXT messages sharing a non-zero `id`, numbered by `chunk_seq` from 0; the last chunk is
 * the one whose text holds a NUL (is shorter than 50 characters). `id` 0 means "a text of its
 * own". PX4 v1.16 sends "RTL: start return at 520 m (30 m above destination" and ")" this way,
 * which a ground station without reassembly shows as two messages.
 *
 * Pure: chunks and a clock in, whole texts out. Chunks may arrive out of order or twice; a text
 * whose last chunk never comes is flushed with what arrived once `timeoutMs` passes without a new
 * chunk, a gap or a missing end marked with "…".
 */

/** The text field's size in a STATUSTEXT message. */
export const CHUNK_CHARS = 50;
/** A text not completed this long after its last chunk is flushed as it is. */
export const CHUNK_TIMEOUT_MS = 2000;

export interface StatusTextChunk {
  severity: number;
  /** The text field as decoded, NUL padding included or not. */
  text: string;
  /** STATUSTEXT.id (0 or absent: not chunked). */
  id: number;
  /** STATUSTEXT.chunk_seq. */
  chunkSeq: number;
}

export interface AssembledText {
  severity: number;
  text: string;
  /** True when flushed by the timeout with chunks missing. */
  partial: boolean;
}

interface Pending {
  severity: number;
  chunks: Map<number, string>;
  /** chunk_seq of the chunk that ended the text, once it arrived. */
  lastSeq: number | null;
  lastChunkAtMs: number;
}

export interface StatusTextAssembler {
  pending: Map<number, Pending>;
  timeoutMs: number;
}

export function createStatusTextAssembler(timeoutMs = CHUNK_TIMEOUT_MS): StatusTextAssembler {
  return { pending: new Map(), timeoutMs };
}

/** The text up to the first NUL, and whether the field held one (or was short): an end marker. */
function cut(raw: string): { text: string; ends: boolean } {
  const nul = raw.indexOf('\0');
  if (nul >= 0) return { text: raw.slice(0, nul), ends: true };
  return { text: raw, ends: raw.length < CHUNK_CHARS };
}

/**
 * Adds one STATUSTEXT; returns the texts it completes (none, this one, or others that timed out
 * before it).
 */
export function addStatusTextChunk(
  a: StatusTextAssembler,
  chunk: StatusTextChunk,
  atMs: number,
): AssembledText[] {
  const out = flushStatusTexts(a, atMs);
  const { text, ends } = cut(chunk.text);
  if (!chunk.id) {
    out.push({ severity: chunk.severity, text, partial: false });
    return out;
  }
  let p = a.pending.get(chunk.id);
  if (!p) {
    p = { severity: chunk.severity, chunks: new Map(), lastSeq: null, lastChunkAtMs: atMs };
    a.pending.set(chunk.id, p);
  }
  p.lastChunkAtMs = atMs;
  if (!p.chunks.has(chunk.chunkSeq)) p.chunks.set(chunk.chunkSeq, text);
  if (ends && (p.lastSeq === null || chunk.chunkSeq < p.lastSeq)) p.lastSeq = chunk.chunkSeq;
  if (p.lastSeq !== null && p.chunks.size >= p.lastSeq + 1 && hasAll(p, p.lastSeq)) {
    a.pending.delete(chunk.id);
    out.push({ severity: p.severity, text: join(p, p.lastSeq), partial: false });
  }
  return out;
}

/** Flushes texts that waited longer than the timeout for their remaining chunks. */
export function flushStatusTexts(a: StatusTextAssembler, atMs: number): AssembledText[] {
  const out: AssembledText[] = [];
  for (const [id, p] of a.pending) {
    if (atMs - p.lastChunkAtMs < a.timeoutMs) continue;
    a.pending.delete(id);
    const last = p.lastSeq ?? Math.max(...p.chunks.keys());
    let text = join(p, last);
    if (p.lastSeq === null) text += '…';
    out.push({ severity: p.severity, text, partial: true });
  }
  return out;
}

function hasAll(p: Pending, last: number): boolean {
  for (let i = 0; i <= last; i++) if (!p.chunks.has(i)) return false;
  return true;
}

function join(p: Pending, last: number): string {
  let s = '';
  for (let i = 0; i <= last; i++) s += p.chunks.get(i) ?? '…';
  return s;
}
