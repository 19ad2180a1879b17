import { fail, ok, type Result } from '../result.ts';

/** A parsed link URI. `host` keeps IPv6 addresses without brackets. */
export type LinkSpec =
  | { kind: 'udpin'; host: string; port: number }
  | { kind: 'udpout'; host: string; port: number }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'tcpin'; host: string; port: number }
  | { kind: 'serial'; path: string; baud: number }
  | { kind: 'tlog'; path: string; speed: number }
  /** In-process link (tests, same-process simulators); not reachable from a URI string. */
  | { kind: 'memory'; name: string };

export const DEFAULT_BAUD = 57600;
const SCHEMES = ['udpin', 'udpout', 'tcp', 'tcpin', 'serial', 'tlog'] as const;
type Scheme = (typeof SCHEMES)[number];

const bad = (uri: string, what: string) => fail('BadUri' as const, `link URI "${uri}": ${what}`, { uri });

function parseQuery(
  uri: string,
  query: string,
  allowed: readonly string[],
): Result<Map<string, string>, 'BadUri'> {
  const out = new Map<string, string>();
  if (query === '') return ok(out);
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    const value = decodeURIComponent(eq < 0 ? '' : part.slice(eq + 1));
    if (!allowed.includes(name)) {
      return bad(uri, `unknown option "${name}" (allowed: ${allowed.join(', ') || 'none'})`);
    }
    out.set(name, value);
  }
  return ok(out);
}

function parseHostPort(
  uri: string,
  scheme: Scheme,
  rest: string,
): Result<{ host: string; port: number }, 'BadUri'> {
  const listen = scheme === 'udpin' || scheme === 'tcpin';
  let host: string;
  let portText: string;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return bad(uri, 'IPv6 address is missing its closing "]"');
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (!after.startsWith(':')) return bad(uri, `missing port (expected ${scheme}://[${host}]:PORT)`);
    portText = after.slice(1);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon < 0) return bad(uri, `missing port (expected ${scheme}://HOST:PORT)`);
    host = rest.slice(0, colon);
    portText = rest.slice(colon + 1);
    if (host.includes(':')) return bad(uri, 'IPv6 addresses must be written in brackets, e.g. [::1]:14550');
  }
  if (host === '')
    return bad(
      uri,
      `missing host (expected ${scheme}://HOST:PORT${listen ? ', e.g. 0.0.0.0 to listen on all interfaces' : ''})`,
    );
  if (!/^[A-Za-z0-9._:%-]+$/.test(host)) return bad(uri, `invalid host "${host}"`);
  if (portText === '') return bad(uri, `missing port (expected ${scheme}://HOST:PORT)`);
  if (!/^\d+$/.test(portText)) return bad(uri, `invalid port "${portText}" (must be a number 0-65535)`);
  const port = Number(portText);
  if (port > 65535) return bad(uri, `invalid port ${port} (must be 0-65535)`);
  if (port === 0 && !listen)
    return bad(
      uri,
      `port 0 is only valid for listening links (udpin, tcpin); ${scheme} needs the peer's port`,
    );
  return ok({ host, port });
}

/**
 * Parses a link URI: `udpin://HOST:PORT`, `udpout://HOST:PORT`, `tcp://HOST:PORT`,
 * `tcpin://HOST:PORT`, `serial:///dev/ttyX?baud=57600`, `tlog:///abs/file.tlog?speed=1`.
 * Port 0 on udpin/tcpin means "any free port" (ask the link for localPort() after open).
 */
export function parseLinkUri(uri: string): Result<LinkSpec, 'BadUri'> {
  const text = uri.trim();
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/.exec(text);
  if (!m)
    return bad(uri, `not a URI; expected SCHEME://..., one of ${SCHEMES.map((s) => `${s}://`).join(', ')}`);
  const scheme = (m[1] as string).toLowerCase();
  const body = m[2] as string;
  if (!(SCHEMES as readonly string[]).includes(scheme)) {
    return bad(uri, `unknown scheme "${scheme}" (expected one of ${SCHEMES.join(', ')})`);
  }
  const s = scheme as Scheme;
  const q = body.indexOf('?');
  const main = q < 0 ? body : body.slice(0, q);
  const query = q < 0 ? '' : body.slice(q + 1);

  if (s === 'serial' || s === 'tlog') {
    if (!main.startsWith('/')) {
      return bad(
        uri,
        `${s} needs an absolute path with three slashes, e.g. ${s === 'serial' ? 'serial:///dev/ttyUSB0?baud=57600' : 'tlog:///var/log/flight.tlog'}`,
      );
    }
    const path = decodeURIComponent(main);
    if (path.length < 2 || path.endsWith('/')) return bad(uri, `path "${path}" does not name a file`);
    if (s === 'serial') {
      const opts = parseQuery(uri, query, ['baud']);
      if (!opts.ok) return opts;
      const baudText = opts.value.get('baud');
      let baud = DEFAULT_BAUD;
      if (baudText !== undefined) {
        if (!/^\d+$/.test(baudText) || Number(baudText) <= 0 || Number(baudText) > 20_000_000) {
          return bad(uri, `invalid baud "${baudText}" (a positive whole number such as 57600 or 921600)`);
        }
        baud = Number(baudText);
      }
      return ok({ kind: 'serial', path, baud });
    }
    const opts = parseQuery(uri, query, ['speed']);
    if (!opts.ok) return opts;
    const speedText = opts.value.get('speed');
    let speed = 1;
    if (speedText !== undefined) {
      const v = Number(speedText);
      if (speedText === '' || !Number.isFinite(v) || v < 0) {
        return bad(
          uri,
          `invalid speed "${speedText}" (a number >= 0; 1 = real time, 0 = as fast as possible)`,
        );
      }
      speed = v;
    }
    return ok({ kind: 'tlog', path, speed });
  }

  if (main.includes('/'))
    return bad(uri, `unexpected path "${main.slice(main.indexOf('/'))}" (expected ${s}://HOST:PORT)`);
  const opts = parseQuery(uri, query, []);
  if (!opts.ok) return opts;
  const hp = parseHostPort(uri, s, main);
  if (!hp.ok) return hp;
  return ok({ kind: s, host: hp.value.host, port: hp.value.port } as LinkSpec);
}

/** The canonical URI of a spec (what parseLinkUri reads back to the same spec). */
export function formatLinkUri(spec: LinkSpec): string {
  switch (spec.kind) {
    case 'serial':
      return `serial://${encodeURI(spec.path)}?baud=${spec.baud}`;
    case 'tlog':
      return `tlog://${encodeURI(spec.path)}?speed=${spec.speed}`;
    case 'memory':
      return `memory://${encodeURIComponent(spec.name)}`;
    default: {
      const host = spec.host.includes(':') ? `[${spec.host}]` : spec.host;
      return `${spec.kind}://${host}:${spec.port}`;
    }
  }
}
