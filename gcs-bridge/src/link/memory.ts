import { BaseLink } from './link.ts';
import { formatLinkUri, type LinkSpec } from './uri.ts';

/**
 * In-process link: bytes written to one end arrive at the other on the next microtask, as
 * a socket would deliver them asynchronously. For tests and for simulators that run in the
 * same process (QGroundControl's MockLink idea).
 */
export class MemoryLink extends BaseLink {
  peer: MemoryLink | null = null;
  private isOpen = false;

  async open(): Promise<void> {
    this.isOpen = true;
    this.setStatus('connected', 'memory link open');
  }

  async close(): Promise<void> {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.setStatus('disconnected', 'closed');
  }

  write(bytes: Uint8Array): void {
    const peer = this.peer;
    if (!this.isOpen || !peer?.isOpen) {
      this.dropped++;
      return;
    }
    const copy = Buffer.from(bytes);
    queueMicrotask(() => {
      if (peer.isOpen) peer.emitData(copy);
    });
  }
}

/** Two connected in-memory links (`a` writes arrive at `b` and vice versa). */
export function createMemoryLinkPair(idA = 'memory-a', idB = 'memory-b'): [MemoryLink, MemoryLink] {
  const spec = (name: string): LinkSpec => ({ kind: 'memory', name });
  const a = new MemoryLink(spec(idA), formatLinkUri(spec(idA)), idA);
  const b = new MemoryLink(spec(idB), formatLinkUri(spec(idB)), idB);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
