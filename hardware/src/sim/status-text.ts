/**
 * STATUSTEXT as the autopilots put it on the wire. MAVLink 2 STATUSTEXT carries 50 characters;
 * a longer text goes out in chunks that share an `id` and count up in `chunk_seq`, the last
 * one shorter than 50 (NUL-padded). PX4 v1.16 (mavlink STATUSTEXT stream) numbers every text
 * with a 16-bit counter, chunked or not, and sends no empty terminating chunk when the length
 * is a multiple of 50. ArduPilot leaves `id` 0 on a text that fits in one message.
 */
import type { Flavour } from './flavour.ts';

/** Characters in one STATUSTEXT. */
export const STATUSTEXT_CHARS = 50;

export interface StatusTextChunk {
  text: string;
  id: number;
  chunkSeq: number;
}

/** Splits `text` into the STATUSTEXT messages a flavour sends, numbered with `id`. */
export function statusTextChunks(flavour: Flavour, text: string, id: number): StatusTextChunk[] {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += STATUSTEXT_CHARS) parts.push(text.slice(i, i + STATUSTEXT_CHARS));
  if (parts.length === 0) parts.push('');
  const wireId = flavour === 'ardupilot' && parts.length === 1 ? 0 : id;
  return parts.map((part, chunkSeq) => ({ text: part, id: wireId, chunkSeq }));
}

/** The next text id after `id` (16 bits; ArduPilot skips 0, which means "not chunked"). */
export function nextStatusTextId(flavour: Flavour, id: number): number {
  const next = (id + 1) & 0xffff;
  return flavour === 'ardupilot' && next === 0 ? 1 : next;
}
