/**
 * FLV (H.264) to fragmented MP4, one fragment per frame, each emitted the moment its FLV tag is
 * complete.
 *
 * Why not ffmpeg's own fMP4 (`-movflags frag_every_frame`): its muxer writes a frame's fragment
 * only when the NEXT frame arrives (it takes the sample's duration from the next timestamp), so
 * every frame waited one frame period (67 ms at 15 fps) inside ffmpeg. An FLV tag carries its
 * size up front and ffmpeg's FLV muxer writes each frame as soon as it has it (`-flush_packets 1`),
 * so ffmpeg copies the camera's H.264 into FLV and this turns each tag into moof + mdat at once.
 * A sample's duration is not known yet then; the previous frame interval stands in for it (a live
 * viewer only needs the decode time, which is exact).
 *
 * The init segment (ftyp + moov) is written from the FLV sequence header (the
 * AVCDecoderConfigurationRecord, kept as the `avcC` box), with the picture size read from its SPS.
 * Output has the shape `Mp4Splitter` gives for ffmpeg's fMP4 (`Mp4Pieces`), so the hub, MSE,
 * WebRTC, snapshots and recording take it unchanged. Timescale 1000 (FLV's milliseconds).
 */
import type { Mp4Pieces } from './mp4-boxes.ts';

/** ffmpeg output for `FlvToFmp4` on file descriptor `fd`: FLV, each frame written out as soon as it is muxed. */
export function flvOut(fd = 1): string[] {
  return ['-flush_packets', '1', '-f', 'flv', `pipe:${fd}`];
}

/** ffmpeg output for `FlvToFmp4` on stdout. */
export const FLV_OUT = flvOut(1);

const FLV_HEADER_BYTES = 9;
const TAG_HEADER_BYTES = 11;
const TAG_VIDEO = 9;
const CODEC_AVC = 7;
/** A frame interval to assume before two frames have been seen (15 fps). */
const FIRST_DURATION_MS = 67;

export class FlvToFmp4 {
  private buf: Buffer = Buffer.alloc(0);
  private headerRead = false;
  private avcC: Buffer | null = null;
  private sequence = 0;
  private lastDts: number | null = null;
  private lastDuration = FIRST_DURATION_MS;

  /** Feeds bytes; returns a new init segment (on the first or a changed sequence header) and every completed frame. */
  push(chunk: Uint8Array): Mp4Pieces & { decodeTimesMs: number[] } {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    const out: Mp4Pieces & { decodeTimesMs: number[] } = { fragments: [], decodeTimesMs: [] };
    if (!this.headerRead) {
      if (this.buf.length < FLV_HEADER_BYTES + 4) return out;
      if (this.buf.toString('latin1', 0, 3) !== 'FLV')
        throw new Error('flv: the stream does not start with an FLV header');
      const headerSize = this.buf.readUInt32BE(5);
      if (this.buf.length < headerSize + 4) return out;
      this.buf = this.buf.subarray(headerSize + 4); // header, then PreviousTagSize0
      this.headerRead = true;
    }
    while (this.buf.length >= TAG_HEADER_BYTES) {
      const type = this.buf[0]! & 0x1f;
      const size = this.buf.readUIntBE(1, 3);
      const end = TAG_HEADER_BYTES + size + 4; // with the PreviousTagSize after it
      if (this.buf.length < end) break;
      const dts = this.buf.readUIntBE(4, 3) | (this.buf[7]! << 24);
      const body = this.buf.subarray(TAG_HEADER_BYTES, TAG_HEADER_BYTES + size);
      this.buf = this.buf.subarray(end);
      if (type !== TAG_VIDEO || size < 5) continue; // audio, script data
      const piece = this.videoTag(body, dts >>> 0);
      if (piece?.init) out.init = piece.init;
      if (piece?.fragment) {
        out.fragments.push(piece.fragment);
        out.decodeTimesMs.push(dts >>> 0);
      }
    }
    return out;
  }

  private videoTag(body: Buffer, dts: number): { init?: Uint8Array; fragment?: Uint8Array } | null {
    if (body[0]! & 0x80) throw new Error('flv: enhanced FLV video tags are not supported (H.264 only)');
    const codec = body[0]! & 0x0f;
    if (codec !== CODEC_AVC) throw new Error(`flv: the video is not H.264 (FLV codec id ${codec})`);
    const key = body[0]! >> 4 === 1;
    const packetType = body[1]!;
    const cts = (body.readUIntBE(2, 3) << 8) >> 8; // signed 24 bits
    const data = body.subarray(5);
    if (packetType === 0) {
      if (this.avcC?.equals(data)) return null;
      if (data.length < 7) throw new Error('flv: the AVC sequence header is cut short');
      if ((data[4]! & 0x03) !== 3)
        throw new Error(`flv: NAL unit lengths of ${(data[4]! & 0x03) + 1} bytes (only 4 are supported)`);
      this.avcC = Buffer.from(data);
      this.lastDts = null;
      return { init: initSegment(this.avcC) };
    }
    if (packetType !== 1 || !this.avcC || data.length === 0) return null; // end of sequence, or no header yet
    if (this.lastDts !== null && dts > this.lastDts) this.lastDuration = dts - this.lastDts;
    this.lastDts = dts;
    return { fragment: fragment(++this.sequence, dts, this.lastDuration, cts, key, data) };
  }
}

function box(type: string, ...parts: Uint8Array[]): Buffer {
  const size = 8 + parts.reduce((n, p) => n + p.length, 0);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(size, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, ...parts]);
}

/** A full box: version and flags in front of the body. */
function fullBox(type: string, version: number, flags: number, ...parts: Uint8Array[]): Buffer {
  const vf = Buffer.alloc(4);
  vf.writeUInt32BE(((version << 24) | flags) >>> 0, 0);
  return box(type, vf, ...parts);
}

function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => {
    b.writeUInt32BE(v >>> 0, 4 * i);
  });
  return b;
}

const MATRIX = u32(0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000);

/** ftyp + moov for one H.264 track (track 1, timescale 1000), from its AVCDecoderConfigurationRecord. */
export function initSegment(avcC: Uint8Array): Uint8Array {
  const { width, height } = spsPictureSize(firstSps(avcC));
  const avc1 = box(
    'avc1',
    Buffer.alloc(6), // reserved
    Buffer.from([0, 1]), // data reference index
    Buffer.alloc(16), // pre-defined, reserved
    Buffer.from([width >> 8, width & 0xff, height >> 8, height & 0xff]),
    u32(0x00480000, 0x00480000, 0), // 72 dpi, 72 dpi, reserved
    Buffer.from([0, 1]), // frame count
    Buffer.alloc(32), // compressor name
    Buffer.from([0, 0x18, 0xff, 0xff]), // depth 24, pre-defined -1
    box('avcC', avcC),
  );
  const stbl = box(
    'stbl',
    fullBox('stsd', 0, 0, u32(1), avc1),
    fullBox('stts', 0, 0, u32(0)),
    fullBox('stsc', 0, 0, u32(0)),
    fullBox('stsz', 0, 0, u32(0, 0)),
    fullBox('stco', 0, 0, u32(0)),
  );
  const minf = box(
    'minf',
    fullBox('vmhd', 0, 1, Buffer.alloc(8)),
    box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1))),
    stbl,
  );
  const mdia = box(
    'mdia',
    fullBox('mdhd', 0, 0, u32(0, 0, 1000, 0), Buffer.from([0x55, 0xc4, 0, 0])), // language und
    fullBox('hdlr', 0, 0, u32(0), Buffer.from('vide', 'latin1'), Buffer.alloc(12), Buffer.from('Aerie\0')),
    minf,
  );
  const tkhd = fullBox(
    'tkhd',
    0,
    3, // enabled, in movie
    u32(0, 0, 1, 0, 0, 0, 0), // times, track 1, reserved, duration, reserved
    Buffer.alloc(8), // layer, alternate group, volume, reserved
    MATRIX,
    u32(width << 16, height << 16),
  );
  const mvhd = fullBox(
    'mvhd',
    0,
    0,
    u32(0, 0, 1000, 0, 0x00010000),
    Buffer.from([1, 0]), // volume
    Buffer.alloc(10),
    MATRIX,
    Buffer.alloc(24),
    u32(2), // next track id
  );
  const mvex = box('mvex', fullBox('trex', 0, 0, u32(1, 1, 0, 0, 0)));
  const ftyp = box(
    'ftyp',
    Buffer.from('iso5', 'latin1'),
    u32(512),
    Buffer.from('iso5iso6avc1mp41', 'latin1'),
  );
  return Buffer.concat([ftyp, box('moov', mvhd, box('trak', tkhd, mdia), mvex)]);
}

/** moof + mdat of one frame: length-prefixed NAL units, decode time and duration in ms. */
export function fragment(
  sequence: number,
  dts: number,
  durationMs: number,
  ctsMs: number,
  key: boolean,
  nalUnits: Uint8Array,
): Uint8Array {
  const tfdt = fullBox('tfdt', 1, 0, u32(Math.floor(dts / 2 ** 32), dts % 2 ** 32));
  const tfhd = fullBox('tfhd', 0, 0x020000, u32(1)); // default-base-is-moof
  // data offset, duration, size, flags, composition offset (version 1: signed)
  const trunFields = (dataOffset: number) =>
    fullBox(
      'trun',
      1,
      0x000f01,
      u32(1, dataOffset, durationMs, nalUnits.length, key ? 0x02000000 : 0x01010000, ctsMs),
    );
  const moofOf = (dataOffset: number) =>
    box('moof', fullBox('mfhd', 0, 0, u32(sequence)), box('traf', tfhd, tfdt, trunFields(dataOffset)));
  const size = moofOf(0).length;
  return Buffer.concat([moofOf(size + 8), box('mdat', nalUnits)]);
}

/** The first SPS of an AVCDecoderConfigurationRecord. */
function firstSps(avcC: Uint8Array): Uint8Array {
  if (avcC.length < 8 || (avcC[5]! & 0x1f) === 0) throw new Error('flv: the AVC sequence header has no SPS');
  const len = (avcC[6]! << 8) | avcC[7]!;
  if (8 + len > avcC.length) throw new Error('flv: the AVC sequence header is cut short in its SPS');
  return avcC.subarray(8, 8 + len);
}

/** Reads exp-Golomb coded bits of an RBSP (emulation prevention bytes removed). */
class Bits {
  private bit = 0;
  constructor(private readonly bytes: Uint8Array) {}
  u(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const byte = this.bytes[this.bit >> 3];
      if (byte === undefined) throw new Error('h264: the SPS is cut short');
      v = v * 2 + ((byte >> (7 - (this.bit & 7))) & 1);
      this.bit++;
    }
    return v;
  }
  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) if (++zeros > 31) throw new Error('h264: bad exp-Golomb code in the SPS');
    return 2 ** zeros - 1 + this.u(zeros);
  }
  se(): number {
    const k = this.ue();
    return k % 2 ? (k + 1) / 2 : -(k / 2);
  }
}

/** The picture size an H.264 SPS NAL unit (with its 1-byte header) describes, cropping applied. */
export function spsPictureSize(sps: Uint8Array): { width: number; height: number } {
  const rbsp: number[] = [];
  for (let i = 1; i < sps.length; i++) {
    if (sps[i] === 3 && rbsp.length >= 2 && rbsp.at(-1) === 0 && rbsp.at(-2) === 0) continue;
    rbsp.push(sps[i]!);
  }
  const b = new Bits(Uint8Array.from(rbsp));
  const profile = b.u(8);
  b.u(16); // constraint flags, level
  b.ue(); // seq_parameter_set_id
  let chromaFormat = 1;
  let separateColourPlanes = 0;
  if ([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135].includes(profile)) {
    chromaFormat = b.ue();
    if (chromaFormat === 3) separateColourPlanes = b.u(1);
    b.ue(); // bit depth luma
    b.ue(); // bit depth chroma
    b.u(1); // qpprime_y_zero_transform_bypass
    if (b.u(1))
      for (let i = 0; i < (chromaFormat === 3 ? 12 : 8); i++) {
        if (!b.u(1)) continue;
        let last = 8;
        let next = 8;
        for (let j = 0; j < (i < 6 ? 16 : 64) && next !== 0; j++) {
          next = (last + b.se() + 256) % 256;
          if (next !== 0) last = next;
        }
      }
  }
  b.ue(); // log2_max_frame_num
  const pocType = b.ue();
  if (pocType === 0) b.ue();
  else if (pocType === 1) {
    b.u(1);
    b.se();
    b.se();
    const n = b.ue();
    for (let i = 0; i < n; i++) b.se();
  }
  b.ue(); // max_num_ref_frames
  b.u(1); // gaps_in_frame_num_allowed
  const widthMbs = b.ue() + 1;
  const heightMapUnits = b.ue() + 1;
  const frameMbsOnly = b.u(1);
  if (!frameMbsOnly) b.u(1); // mb_adaptive_frame_field
  b.u(1); // direct_8x8_inference
  let crop = [0, 0, 0, 0];
  if (b.u(1)) crop = [b.ue(), b.ue(), b.ue(), b.ue()];
  const arrayType = separateColourPlanes ? 0 : chromaFormat;
  const cropX = arrayType === 0 ? 1 : arrayType === 3 ? 1 : 2;
  const cropY = (arrayType === 0 ? 1 : arrayType === 1 ? 2 : 1) * (2 - frameMbsOnly);
  return {
    width: widthMbs * 16 - cropX * (crop[0]! + crop[1]!),
    height: (2 - frameMbsOnly) * heightMapUnits * 16 - cropY * (crop[2]! + crop[3]!),
  };
}
