import type { Link } from './link.ts';
import { MemoryLink } from './memory.ts';
import { SerialLink } from './serial.ts';
import { TcpLink, TcpServerLink } from './tcp.ts';
import { TlogReplayLink } from './tlog.ts';
import { UdpLink } from './udp.ts';
import { formatLinkUri, type LinkSpec } from './uri.ts';

/** Options for createLink. */
export interface CreateLinkOptions {
  /** Stable id for logs, routing and Inbound.linkId; default: the canonical URI. */
  id?: string;
}

/** Builds the link for a parsed URI (not opened yet). */
export function createLink(spec: LinkSpec, options: CreateLinkOptions = {}): Link {
  const uri = formatLinkUri(spec);
  switch (spec.kind) {
    case 'udpin':
    case 'udpout':
      return new UdpLink(spec, uri, options.id);
    case 'tcp':
      return new TcpLink(spec, uri, options.id);
    case 'tcpin':
      return new TcpServerLink(spec, uri, options.id);
    case 'serial':
      return new SerialLink(spec, uri, options.id);
    case 'tlog':
      return new TlogReplayLink(spec, uri, options.id);
    case 'memory':
      // Unpaired: writes are dropped until `peer` is set (createMemoryLinkPair does both ends).
      return new MemoryLink(spec, uri, options.id);
  }
}
