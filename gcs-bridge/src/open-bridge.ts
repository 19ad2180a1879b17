/**
 * Builds a running bridge from link URIs: parses each URI (a bad one is an error naming it),
 * creates the link and its MAVLink connection (with signing when configured), records .tlogs
 * when asked, routes packets between the links, and starts the Bridge.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Bridge, type BridgeConnection, type BridgeOptions } from './bridge.ts';
import { MavlinkConnection } from './codec/connection.ts';
import { type AttachedRouter, attachRouter } from './codec/router.ts';
import type { SigningConfig } from './codec/signing.ts';
import { TlogRecorder } from './codec/tlog-recorder.ts';
import { createLink } from './link/create-link.ts';
import { parseLinkUri } from './link/uri.ts';
import { fail, ok, type Result } from './result.ts';

export interface LinkConfig {
  uri: string;
  /** MAVLink 2 signing for this link only. */
  signing?: SigningConfig;
}

export interface OpenBridgeOptions extends Omit<BridgeOptions, 'connections'> {
  links: Array<string | LinkConfig>;
  /** Signing applied to every link that has none of its own. */
  signing?: SigningConfig;
  /** When set, every link is recorded to `<dir>/<time>-<link>.tlog`. */
  tlogDir?: string;
  /** Forward packets between links (a second ground station shares the aircraft). Default true. */
  route?: boolean;
}

export interface RunningBridge {
  bridge: Bridge;
  connections: MavlinkConnection[];
  recorders: TlogRecorder[];
  router: AttachedRouter | null;
  close(): Promise<void>;
}

/** Adapts a MavlinkConnection to what the Bridge needs. */
export function bridgeConnection(c: MavlinkConnection): BridgeConnection {
  return {
    id: c.id,
    open: () => c.open(),
    close: () => c.close(),
    send: (m) => c.send(m),
    onMessage: (h) => c.onMessage(h),
    lossPct: () => c.stats().lossPct,
  };
}

export async function openBridge(
  options: OpenBridgeOptions,
): Promise<Result<RunningBridge, 'BadUri' | 'LinkFailed'>> {
  if (options.links.length === 0) return fail('BadUri', 'no link given: pass at least one --link URI');
  const connections: MavlinkConnection[] = [];
  const seen = new Map<string, number>();
  for (const l of options.links) {
    const cfg = typeof l === 'string' ? { uri: l } : l;
    const spec = parseLinkUri(cfg.uri);
    if (!spec.ok) return spec;
    const signing = cfg.signing ?? options.signing;
    // Two links may share a URI (two ephemeral ports); ids must stay unique for routing.
    const n = (seen.get(cfg.uri) ?? 0) + 1;
    seen.set(cfg.uri, n);
    const link = createLink(spec.value, n > 1 ? { id: `${cfg.uri}#${n}` } : {});
    connections.push(new MavlinkConnection(link, signing ? { signing } : {}));
  }
  const recorders: TlogRecorder[] = [];
  if (options.tlogDir) {
    mkdirSync(options.tlogDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    for (const c of connections) {
      const rec = new TlogRecorder(
        join(options.tlogDir, `${stamp}-${c.id.replace(/[^a-zA-Z0-9]+/g, '_')}.tlog`),
      );
      rec.attach(c);
      recorders.push(rec);
    }
  }
  const router = options.route !== false && connections.length > 1 ? attachRouter(connections) : null;
  const bridge = new Bridge({ ...options, connections: connections.map(bridgeConnection) });
  try {
    await bridge.start();
  } catch (err) {
    await bridge.stop().catch(() => undefined);
    return fail(
      'LinkFailed',
      `could not open the links: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return ok({
    bridge,
    connections,
    recorders,
    router,
    async close() {
      router?.detach();
      await bridge.stop();
      await Promise.all(recorders.map((r) => r.close()));
    },
  });
}
