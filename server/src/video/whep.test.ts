import { describe, expect, it } from 'vitest';
import { accessUnitOf, mdatPayload, parameterSetsOfInit } from './h264.ts';
import { box } from './test-boxes.ts';
import { asksForKeyFrame, offeredVideo } from './whep.ts';

/** What chromium offers for a receive-only video transceiver (trimmed to what matters). */
const OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 102 103',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=extmap:4 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay',
  'a=recvonly',
  'a=rtpmap:96 VP8/90000',
  'a=rtpmap:102 H264/90000',
  'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f',
  'a=rtpmap:103 H264/90000',
  'a=fmtp:103 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
  '',
].join('\r\n');

describe('RTCP from the receiver', () => {
  // A receiver report (PT 201, one report block: 7 words after the header) then feedback.
  const rr = [0x81, 201, 0, 7, ...new Array(28).fill(0)];
  const feedback = (fmt: number) => [0x80 | fmt, 206, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2];
  it('tells a key frame request (PLI, FIR) in a compound packet from other feedback', () => {
    expect(asksForKeyFrame(new Uint8Array([...rr, ...feedback(1)]))).toBe(true);
    expect(asksForKeyFrame(new Uint8Array(feedback(4)))).toBe(true);
    // A generic NACK (PT 205) and a REMB (PT 206, FMT 15) are not.
    expect(asksForKeyFrame(new Uint8Array([...rr, 0x81, 205, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2]))).toBe(false);
    expect(asksForKeyFrame(new Uint8Array(feedback(15)))).toBe(false);
    expect(asksForKeyFrame(new Uint8Array([0x00, 206, 0, 2]))).toBe(false);
    expect(asksForKeyFrame(new Uint8Array([1, 2]))).toBe(false);
  });
});

describe('WHEP offer', () => {
  it('picks H.264 in packetization-mode 1 and the playout-delay extension', () => {
    expect(offeredVideo(OFFER)).toEqual({
      mid: '0',
      payloadType: 103,
      fmtp: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
      playoutDelayId: 4,
    });
    const noExt = OFFER.replace(/a=extmap:4 .*\r\n/, '');
    expect(offeredVideo(noExt).playoutDelayId).toBeNull();
  });

  it('says what is wrong with an offer it cannot answer', () => {
    expect(() => offeredVideo('hello')).toThrow(/not an SDP offer/);
    expect(() => offeredVideo(OFFER.replace('m=video', 'm=audio'))).toThrow(/no video section/);
    expect(() => offeredVideo(OFFER.replace('a=recvonly', 'a=sendonly'))).toThrow(/does not receive/);
    expect(() => offeredVideo(OFFER.replace('a=mid:0\r\n', ''))).toThrow(/no a=mid/);
    expect(() => offeredVideo(OFFER.replace('packetization-mode=1', 'packetization-mode=0'))).toThrow(
      /no H.264 in packetization-mode 1/,
    );
  });
});

describe('H.264 for RTP', () => {
  const sps = [0x67, 0x42, 0xc0, 0x1f];
  const pps = [0x68, 0xce, 0x3c, 0x80];
  const avcC = box('avcC', [1, 0x42, 0xc0, 0x1f, 0xff, 0xe1, 0, 4, ...sps, 1, 0, 4, ...pps]);
  const init = Buffer.concat([box('ftyp', [1]), box('moov', [...box('trak', [...avcC])])]);
  const nal = (type: number) => [0, 0, 0, 2, 0x60 | type, 9];

  it('takes SPS and PPS from the init segment, length-prefixed', () => {
    expect([...parameterSetsOfInit(init)]).toEqual([0, 0, 0, 4, ...sps, 0, 0, 0, 4, ...pps]);
    expect(() => parameterSetsOfInit(box('moov', []))).toThrow(/no avcC box/);
    const cut = box('avcC', [1, 0x42, 0xc0, 0x1f, 0xff, 0xe1, 0, 9, ...sps]);
    expect(() => parameterSetsOfInit(cut)).toThrow(/cut short/);
  });

  it('puts the parameter sets in front of key frames only', () => {
    const key = Buffer.concat([box('moof', [0]), box('mdat', nal(5))]);
    const delta = Buffer.concat([box('moof', [0]), box('mdat', nal(1))]);
    const ps = parameterSetsOfInit(init);
    expect([...accessUnitOf(key, ps)]).toEqual([...ps, ...nal(5)]);
    expect([...accessUnitOf(delta, ps)]).toEqual(nal(1));
    expect([...accessUnitOf(key, null)]).toEqual(nal(5));
    expect(mdatPayload(box('moof', [0]))).toBeNull();
    expect(() => accessUnitOf(box('moof', [0]), ps)).toThrow(/no mdat/);
  });
});
