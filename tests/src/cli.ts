/** Runs the `aerie` CLI as a user would (node bin/aerie.mjs), for the CLI tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export const AERIE_BIN = fileURLToPath(new URL('../../bin/aerie.mjs', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `aerie ...args` to completion. */
export function aerie(args: string[], timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [AERIE_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`aerie ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts a long-running `aerie ...args` (a simulator); kill it with stop(). */
export function aerieBackground(args: string[]): {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<number | null>;
} {
  const child = spawn(process.execPath, [AERIE_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return {
    child,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGINT');
      }),
  };
}

/** A UDP port that was free a moment ago (bind to 0, read, release). */
export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export async function freeTcpPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** `n` consecutive UDP ports that were free a moment ago (one per simulated aircraft). */
export async function freeUdpRange(n: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below the OS's ephemeral range (32768+ on Linux): the bridge's own UDP sockets, bound
    // before the simulator starts, take ephemeral ports and could land inside the range.
    const first = 20_000 + Math.floor(Math.random() * (12_000 - n));
    const sockets: dgram.Socket[] = [];
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      const s = dgram.createSocket('udp4');
      ok = await new Promise<boolean>((r) => {
        s.once('error', () => r(false));
        s.bind(first + i, '127.0.0.1', () => r(true));
      });
      sockets.push(s);
    }
    await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
    if (ok) return first;
  }
  throw new Error(`no ${n} consecutive free UDP ports found`);
}

/**
 * Calls `check` every 250 ms until it returns a value (not undefined or false); errors it
 * throws count as "not yet". `stopIf` names a reason to give up at once (a child process that
 * died, say) instead of waiting out the timeout.
 */
export async function until<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs: number,
  opts: { stopIf?: () => string | null } = {},
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const stop = opts.stopIf?.();
    if (stop) throw new Error(`gave up waiting for ${what}: ${stop}`);
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}
