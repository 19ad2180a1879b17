/**
 * What the console needs to know about H.264 in fragmented MP4: whether a fragment starts with
 * a key frame (an IDR NAL unit in its mdat), and the codec string for Media Source Extensions
 * (`avc1.PPCCLL` from the init segment's avcC box).
 */

function findBox(buf: Uint8Array, type: string, from = 0): number {
  const t = [type.charCodeAt(0), type.charCodeAt(1), type.charCodeAt(2), type.charCodeAt(3)];
  for (let i = from + 4; i + 4 <= buf.length; i++) {
    if (buf[i] === t[0] && buf[i + 1] === t[1] && buf[i + 2] === t[2] && buf[i + 3] === t[3]) return i - 4;
  }
  return -1;
}

/** True when the fragment's media data holds an IDR picture (NAL type 5). */
export function isKeyFragment(fragment: Uint8Array): boolean {
  const dv = new DataView(fragment.buffer, fragment.byteOffset, fragment.byteLength);
  let at = 0;
  // Walk top-level boxes to the mdat (moof first).
  while (at + 8 <= fragment.length) {
    const size = dv.getUint32(at);
    const type = String.fromCharCode(
      fragment[at + 4]!,
      fragment[at + 5]!,
      fragment[at + 6]!,
      fragment[at + 7]!,
    );
    if (type === 'mdat') {
      let p = at + 8;
      const end = Math.min(fragment.length, at + size);
      while (p + 5 <= end) {
        const len = dv.getUint32(p);
        if ((fragment[p + 4]! & 0x1f) === 5) return true;
        p += 4 + len;
      }
      return false;
    }
    if (size < 8) return false;
    at += size;
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
