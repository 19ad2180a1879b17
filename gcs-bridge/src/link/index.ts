/** Link layer: URIs and byte pipes. Re-exported from the package front door (src/index.ts). */
export { type CreateLinkOptions, createLink } from './create-link.ts';
export type { DataHandler, Link, LinkStatus } from './link.ts';
export { createMemoryLinkPair, MemoryLink } from './memory.ts';
export { SERIAL_POLL_MS, SerialLink } from './serial.ts';
export { TCP_BACKOFF_MAX_MS, TCP_BACKOFF_MIN_MS, TcpLink, TcpServerLink } from './tcp.ts';
export { readTlog, splitTlog, type TlogRecord, TlogReplayLink } from './tlog.ts';
export { UdpLink } from './udp.ts';
export { DEFAULT_BAUD, formatLinkUri, type LinkSpec, parseLinkUri } from './uri.ts';
