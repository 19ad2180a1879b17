import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { minimal } from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import { MavlinkConnection } from '../codec/connection.ts';
import type { Inbound } from '../codec/types.ts';
import { cleanupAfterEach } from '../testing/links.ts';
import { waitFor } from '../testing/wait.ts';
import { createLink } from './create-link.ts';
import type { LinkStatus } from './link.ts';
import { parseLinkUri } from './uri.ts';

const cleanups = cleanupAfterEach();

/** Starts socat with two ptys; resolves with the two device paths it reports on stderr. */
async function socatPair(
  links?: [string, string],
): Promise<{ proc: ChildProcess; paths: [string, string]; stop: () => Promise<void> }> {
  const end = (l?: string) => `pty,raw,echo=0${l ? `,link=${l}` : ''}`;
  const proc = spawn('/usr/bin/socat', ['-d', '-d', end(links?.[0]), end(links?.[1])], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const paths = await new Promise<[string, string]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socat did not report two ptys: ${stderr}`)), 5000);
    proc.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      const found = [...stderr.matchAll(/PTY is (\/dev\/pts\/\d+)/g)].map((m) => m[1] as string);
      if (found.length >= 2 && stderr.includes('starting data transfer loop')) {
        clearTimeout(timer);
        resolve([found[0] as string, found[1] as string]);
      }
    });
    proc.once('exit', (code) => reject(new Error(`socat exited (${code}): ${stderr}`)));
  });
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  };
  cleanups.push(stop);
  return { proc, paths, stop };
}

function heartbeat(mode: number): minimal.Heartbeat {
  const hb = new minimal.Heartbeat();
  hb.customMode = mode;
  hb.mavlinkVersion = 3;
  return hb;
}

function connectionOn(
  path: string,
  sysid: number,
): { conn: MavlinkConnection; got: Inbound[]; statuses: LinkStatus[] } {
  const spec = parseLinkUri(`serial://${path}?baud=115200`);
  if (!spec.ok) throw new Error(spec.error.message);
  const link = createLink(spec.value);
  const statuses: LinkStatus[] = [];
  link.onStatus((s) => statuses.push(s));
  const conn = new MavlinkConnection(link, { sysid, compid: 1 });
  const got: Inbound[] = [];
  conn.onMessage((m) => got.push(m));
  cleanups.push(() => conn.close());
  return { conn, got, statuses };
}

const modes = (got: Inbound[]) => got.map((m) => (m.message as minimal.Heartbeat).customMode);

describe('serial link over a socat pty pair', () => {
  it('carries MAVLink both ways', async () => {
    const { paths } = await socatPair();
    const a = connectionOn(paths[0], 1);
    const b = connectionOn(paths[1], 255);
    await a.conn.open();
    await b.conn.open();
    expect(a.conn.link.status()).toMatchObject({
      state: 'connected',
      reason: `${paths[0]} open at 115200 baud`,
    });
    for (let k = 0; k < 20; k++) a.conn.send(heartbeat(k));
    for (let k = 100; k < 120; k++) b.conn.send(heartbeat(k));
    await waitFor(() => b.got.length === 20 && a.got.length === 20, 5000, 'heartbeats both ways');
    expect(modes(b.got)).toEqual(Array.from({ length: 20 }, (_, k) => k));
    expect(modes(a.got)).toEqual(Array.from({ length: 20 }, (_, k) => k + 100));
    expect(b.got[0]).toMatchObject({ sysid: 1, compid: 1 });
    expect(b.conn.stats()).toMatchObject({ crcErrors: 0, seqGapLoss: 0 });
  });

  it('reports the unplug and reopens when the device path comes back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aerie-serial-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const ttyA = join(dir, 'ttyA');
    const ttyB = join(dir, 'ttyB');
    const first = await socatPair([ttyA, ttyB]);
    const a = connectionOn(ttyA, 1);
    const b = connectionOn(ttyB, 255);
    await a.conn.open();
    await b.conn.open();
    a.conn.send(heartbeat(1));
    await waitFor(() => b.got.length === 1, 5000, 'first heartbeat');

    await first.stop(); // the radio is unplugged
    await waitFor(() => a.conn.link.status().state !== 'connected', 5000, 'disconnect report');
    expect(existsSync(ttyA)).toBe(false);
    a.conn.send(heartbeat(2));
    expect(a.conn.link.droppedWrites()).toBeGreaterThan(0);

    await socatPair([ttyA, ttyB]); // plugged back in: same path, new pty
    await waitFor(
      () => a.conn.link.status().state === 'connected' && b.conn.link.status().state === 'connected',
      6000,
      'reopen after replug',
    );
    a.conn.send(heartbeat(3));
    b.conn.send(heartbeat(4));
    await waitFor(() => modes(b.got).includes(3) && modes(a.got).includes(4), 5000, 'traffic after replug');
    expect(a.statuses.map((s) => s.state)).toEqual(expect.arrayContaining(['connected', 'disconnected']));
    expect(a.statuses.filter((s) => s.state === 'connected').length).toBeGreaterThanOrEqual(2);
  });
});
