/**
 * `aerie bridge`: the site bridge as a service. Opens the MAVLink links, connects to the
 * Aerie server's bridge channel, streams the fleet and runs the server's commands until
 * SIGINT/SIGTERM. Reconnects forever with backoff; a refused token ends the process with a
 * clear message (exit 3), since retrying a wrong token never helps.
 *
 * The token comes from --token-file, else --token (accepted because the operator guide names
 * it, but it shows in `ps`), else AERIE_BRIDGE_TOKEN; it is never logged or printed.
 */
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import pino from 'pino';
import { BridgeChannelClient } from '../channel/client.ts';
import { openBridge } from '../open-bridge.ts';
import { addLinkOptions, type LinkOptions, positiveArg, signingFrom } from './options.ts';

export interface BridgeCliOptions extends LinkOptions {
  server: string;
  tokenFile?: string;
  token?: string;
  bufferItems: number;
  logLevel: string;
}

/** Where the token comes from, in order of preference; the value is never echoed. */
export function bridgeToken(
  opts: Pick<BridgeCliOptions, 'tokenFile' | 'token'>,
  env: NodeJS.ProcessEnv,
): string {
  let token: string | undefined;
  if (opts.tokenFile) {
    try {
      token = readFileSync(opts.tokenFile, 'utf8').trim();
    } catch (err) {
      throw new Error(`--token-file: cannot read '${opts.tokenFile}': ${(err as Error).message}`);
    }
    if (!token) throw new Error(`--token-file: '${opts.tokenFile}' is empty`);
    return token;
  }
  token = opts.token?.trim() || env.AERIE_BRIDGE_TOKEN?.trim();
  if (!token) throw new Error('no bridge token: pass --token-file FILE or set AERIE_BRIDGE_TOKEN');
  return token;
}

/** The server URL, checked: http(s) only, no path, no credentials. */
export function serverUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`--server: '${value}' is not a URL (expected e.g. http://10.0.0.5:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`--server: '${value}' must start with http:// or https://`);
  if (url.username || url.password)
    throw new Error('--server: put no credentials in the URL; use --token-file');
  return url.origin;
}

/** Link URIs for the hello and the log: no query values that could carry secrets. */
const shownLink = (uri: string) => uri.replace(/\?.*$/, '');

async function runBridge(opts: BridgeCliOptions): Promise<void> {
  const url = serverUrl(opts.server);
  const token = bridgeToken(opts, process.env);
  const signing = signingFrom(opts, process.env);
  const log = pino({ name: 'aerie-bridge', level: opts.logLevel });
  const opened = await openBridge({
    links: opts.link,
    ...(signing ? { signing } : {}),
    ...(opts.tlogDir ? { tlogDir: opts.tlogDir } : {}),
  });
  if (!opened.ok) throw new Error(opened.error.message);
  const running = opened.value;
  const links = opts.link.map(shownLink);
  const client = new BridgeChannelClient({
    serverUrl: url,
    token,
    bridge: running.bridge,
    links,
    maxBufferItems: opts.bufferItems,
    // Each vehicle's sortie is recorded from these and uploaded to the server as a .tlog.
    connections: running.connections,
    logger: log,
  });
  running.bridge.on('vehicle.discovered', (v) =>
    log.info({ sysid: v.sysid, autopilot: v.autopilot, link: v.link.id }, 'vehicle discovered'),
  );
  running.bridge.on('vehicle.lost', (v) => log.warn({ sysid: v.sysid, link: v.link.id }, 'vehicle lost'));
  running.bridge.on('vehicle.found', (v) => log.info({ sysid: v.sysid, link: v.link.id }, 'vehicle found'));

  const outcome = await new Promise<'signal' | 'rejected'>((resolve) => {
    const onSignal = () => resolve('signal');
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    client.once('rejected', () => resolve('rejected'));
    log.info({ server: url, links, epoch: client.epoch, bufferItems: opts.bufferItems }, 'bridge starting');
    client.start();
  });
  client.stop();
  await running.close();
  if (outcome === 'rejected') {
    process.stderr.write(
      `aerie bridge: the server at ${url} rejected the bridge token. Check --token-file / AERIE_BRIDGE_TOKEN, or issue a new token with POST /api/bridges/<id>/token.\n`,
    );
    process.exitCode = 3;
  } else {
    const st = client.stats();
    log.info(
      { unacknowledged: st.size, droppedStates: st.droppedStates, unsentTlogs: st.tlogUploads },
      'bridge stopped',
    );
  }
}

/** Registers `aerie bridge`. */
export function registerBridgeCommand(program: Command): void {
  addLinkOptions(
    program
      .command('bridge')
      .description(
        'run the site bridge: own the MAVLink links and connect them to an Aerie server (until Ctrl-C)',
      )
      .requiredOption('--server <url>', 'Aerie server base URL, e.g. http://10.0.0.5:8080')
      .option('--token-file <file>', 'file holding the bridge token (or set AERIE_BRIDGE_TOKEN)')
      .option(
        '--token <token>',
        'the bridge token itself (visible to other users in ps; prefer --token-file)',
      ),
    'MAVLink link (repeatable): udpin://HOST:PORT, udpout://HOST:PORT, tcp://HOST:PORT, tcpin://HOST:PORT, serial:///dev/ttyX?baud=57600',
  )
    .addOption(
      new Option('--buffer-items <n>', 'items kept while the server is away before old telemetry is dropped')
        .default(50_000)
        .argParser(positiveArg('--buffer-items', true)),
    )
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info'),
    )
    .action(runBridge);
}
