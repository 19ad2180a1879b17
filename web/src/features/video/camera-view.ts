/**
 * What the console shows of an announced camera: pure helpers, no I/O.
 */

/** The announced stream's host (and port) only: never its credentials, path or query. */
export function streamHost(uri: string): string {
  try {
    const u = new URL(uri);
    return u.host || '—';
  } catch {
    return '—';
  }
}

const STREAM_TYPES: Record<string, string> = {
  rtsp: 'RTSP',
  rtp_udp: 'RTP/UDP',
  tcp_mpeg: 'TCP',
  mpeg_ts: 'MPEG-TS',
};

/**
 * A stream's kind as people name it: RTSP, RTP/UDP, MPEG-TS, and for the TCP type the scheme
 * that says what it is (the simulated cameras' Motion-JPEG over HTTP announces TCP_MPEG).
 */
export function streamKind(type: string, encoding: string, uri: string): string {
  let kind = STREAM_TYPES[type] ?? type.toUpperCase();
  if (type === 'tcp_mpeg' && /^https?:/i.test(uri)) kind = 'HTTP MJPEG';
  return encoding === 'h264' ? `${kind} · H.264` : encoding === 'h265' ? `${kind} · H.265` : kind;
}
