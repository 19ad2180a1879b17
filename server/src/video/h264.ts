/**
 * What the server needs to know about H.264 in fragmented MP4: whether a fragment starts with
 * a key frame (an IDR NAL unit in its mdat), the codec string for Media Source Extensions
 * (`avc1.PPCCLL` from the init segment's avcC box), and, for WebRTC, the parameter sets (SPS,
 * PPS) of the init segment and the access unit (length-prefixed NAL units) of a fragment.
 */

function findBox(buf: Uint8Array, type: string, from = 0): number {
  const t = [type.charCodeAt(0), type.charCodeAt(1), type.charCodeAt(2), type.charCodeAt(3)];
  for (let i = from + 4; i + 4 <= buf.length; i++) {
    if (buf[i] === t[0] && buf[i + 1] === t[1] && buf[i + 2] === t[2] && buf[i + 3] === t[3]) return i - 4;
  }
  return -1;
}

/** The payload of a fragment's top-level mdat box (after moof), or null when it has none. */
export function mdatPayload(fragment: Uint8Array): Uint8Array | null {
  const dv = new DataView(fragment.buffer, fragment.byteOffset, fragment.byteLength);
  let at = 0;
  while (at + 8 <= fragment.length) {
    const size = dv.getUint32(at);
    const type = String.fromCharCode(
      fragment[at + 4]!,
      fragment[at + 5]!,
      fragment[at + 6]!,
      fragment[at + 7]!,
    );
    if (type === 'mdat') return fragment.subarray(at + 8, Math.min(fragment.length, at + size));
    if (size < 8) return null;
    at += size;
  }
  return null;
}

/** True when the fragment's media data holds an IDR picture (NAL type 5). */
export function isKeyFragment(fragment: Uint8Array): boolean {
  const data = mdatPayload(fragment);
  if (!data) return false;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let p = 0;
  while (p + 5 <= data.length) {
    const len = dv.getUint32(p);
    if ((data[p + 4]! & 0x1f) === 5) return true;
    p += 4 + len;
  }
  return false;
}

/** The MSE codec string of an init segment, e.g. `avc1.42c01f`; undefined when it has no avcC. */
export function codecOfInit(init: Uint8Array): string | undefined {
  const at = findBox(init, 'avcC');
  if (at < 0 || at + 12 > init.length) return undefined;
  const hex = (b: number) => b.toString(16).padStart(2, '0');
  return `avc1.${hex(init[at + 9]!)}${hex(init[at + 10]!)}${hex(init[at + 11]!)}`;
}

/**
 * The SPS and PPS of an init segment's avcC box, each prefixed with its 4-byte big-endian
 * length (the form of the NAL units in an mdat). Throws naming what is missing or cut short.
 */
export function parameterSetsOfInit(init: Uint8Array): Uint8Array {
  const at = findBox(init, 'avcC');
  if (at < 0) throw new Error('h264: the init segment has no avcC box');
  const end = Math.min(init.length, at + new DataView(init.buffer, init.byteOffset).getUint32(at));
  const out: Uint8Array[] = [];
  let p = at + 8 + 5; // version, profile, compatibility, level, length size
  const take = (count: number) => {
    for (let i = 0; i < count; i++) {
      if (p + 2 > end) throw new Error('h264: avcC box cut short in its parameter sets');
      const len = (init[p]! << 8) | init[p + 1]!;
      p += 2;
      if (p + len > end) throw new Error('h264: avcC box cut short in its parameter sets');
      const nal = new Uint8Array(4 + len);
      new DataView(nal.buffer).setUint32(0, len);
      nal.set(init.subarray(p, p + len), 4);
      out.push(nal);
      p += len;
    }
  };
  if (p + 1 > end) throw new Error('h264: avcC box cut short before its SPS count');
  take(init[p++]! & 0x1f);
  if (p + 1 > end) throw new Error('h264: avcC box cut short before its PPS count');
  take(init[p++]!);
  if (out.length === 0) throw new Error('h264: avcC box holds no SPS or PPS');
  return concat(out);
}

/**
 * One frame for an RTP packetiser: the fragment's NAL units (4-byte length prefixed), with the
 * parameter sets in front when it is a key frame (a receiver that joins or lost packets decodes
 * from there, as it cannot read the MP4 init segment).
 */
export function accessUnitOf(fragment: Uint8Array, parameterSets: Uint8Array | null): Uint8Array {
  const data = mdatPayload(fragment);
  if (!data) throw new Error('h264: the fragment has no mdat box');
  return parameterSets && isKeyFragment(fragment) ? concat([parameterSets, data]) : data;
}

/**
 * Length-prefixed NAL units (4-byte big-endian lengths, as in an mdat) as an Annex B byte stream
 * (each unit after a 00 00 00 01 start code), the form a raw `.h264` decoder reads. Throws when a
 * length runs past the end.
 */
export function annexBOf(lengthPrefixed: Uint8Array): Uint8Array {
  const out = new Uint8Array(lengthPrefixed.length);
  const view = new DataView(lengthPrefixed.buffer, lengthPrefixed.byteOffset, lengthPrefixed.byteLength);
  let p = 0;
  while (p < lengthPrefixed.length) {
    if (p + 4 > lengthPrefixed.length) throw new Error('h264: a NAL unit length is cut short');
    const len = view.getUint32(p);
    if (p + 4 + len > lengthPrefixed.length)
      throw new Error(`h264: a NAL unit of ${len} bytes runs past the end of the access unit`);
    out.set([0, 0, 0, 1], p);
    out.set(lengthPrefixed.subarray(p + 4, p + 4 + len), p + 4);
    p += 4 + len;
  }
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
