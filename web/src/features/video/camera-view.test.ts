import { describe, expect, it } from 'vitest';
import { streamHost, streamKind } from './camera-view.ts';

describe('announced camera, as the console shows it', () => {
  it('shows a stream URI as its host only, credentials and path left out', () => {
    expect(streamHost('rtsp://admin:s3cret@10.0.0.9:8554/live/main?token=x')).toBe('10.0.0.9:8554');
    expect(streamHost('http://127.0.0.1:8554/camera/1.mjpeg')).toBe('127.0.0.1:8554');
    expect(streamHost('not a uri')).toBe('—');
  });

  it('names stream kinds', () => {
    expect(streamKind('rtsp', 'h264', 'rtsp://h/x')).toBe('RTSP · H.264');
    expect(streamKind('tcp_mpeg', 'unknown', 'http://h/x.mjpeg')).toBe('HTTP MJPEG');
    expect(streamKind('mpeg_ts', 'h265', 'udp://h:5600')).toBe('MPEG-TS · H.265');
  });
});
