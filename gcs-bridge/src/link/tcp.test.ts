import net from 'node:net';
import { minimal } from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import { MavlinkConnection } from '../codec/connection.ts';
import { encodeFrame } from '../codec/frame.ts';
import type { Inbound } from '../codec/types.ts';
import { cleanupAfterEach, track } from '../testing/links.ts';
import { waitFor } from '../testing/wait.ts';
import { createLink } from './create-link.ts';
import type { TcpServerLink } from './tcp.ts';

const cleanups = cleanupAfterEach();

/** An echo server; returns it with its sockets so a test can kill it. */
async function echoServer(
  port = 0,
): Promise<{ server: net.Server; sockets: Set<net.Socket>; port: number; stop: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('data', (d) => s.write(Buffer.concat([Buffer.from('echo:'), d])));
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  const stop = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  cleanups.push(async () => {
    if (server.listening) await stop();
  });
  return { server, sockets, port: (server.address() as net.AddressInfo).port, stop };
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('tcp client', () => {
  it('reconnects after the server restarts and carries data again', async () => {
    const srv = await echoServer();
    const link = createLink({ kind: 'tcp', host: '127.0.0.1', port: srv.port });
    const { data, statuses } = track(link, cleanups);
    await link.open();
    await waitFor(() => link.status().state === 'connected', 3000, 'first connection');
    link.write(Buffer.from('one'));
    await waitFor(() => data.map(String).join('') === 'echo:one', 3000, 'first echo');

    await srv.stop();
    await waitFor(() => link.status().state === 'disconnected', 3000, 'disconnect');
    expect(link.status().reason).toMatch(/connection lost.*retry in 500 ms/);
    link.write(Buffer.from('lost'));
    expect(link.droppedWrites()).toBe(1);

    await echoServer(srv.port);
    await waitFor(() => link.status().state === 'connected', 8000, 'reconnection');
    link.write(Buffer.from('two'));
    await waitFor(() => data.map(String).join('').endsWith('echo:two'), 3000, 'second echo');
    expect(statuses.filter((s) => s.state === 'connected')).toHaveLength(2);
  });

  it('keeps retrying with growing delays while the server refuses, then connects', async () => {
    const port = await freePort();
    const link = createLink({ kind: 'tcp', host: '127.0.0.1', port });
    const { statuses } = track(link, cleanups);
    await link.open();
    await waitFor(() => statuses.filter((s) => s.state === 'disconnected').length >= 2, 5000, 'two refusals');
    const reasons = statuses.filter((s) => s.state === 'disconnected').map((s) => s.reason);
    expect(reasons[0]).toMatch(/ECONNREFUSED, retry in 500 ms/);
    expect(reasons[1]).toMatch(/ECONNREFUSED, retry in 1000 ms/);
    await echoServer(port);
    await waitFor(() => link.status().state === 'connected', 8000, 'connection');
  });
});

describe('tcpin server', () => {
  it('accepts several clients, writes to all of them and hears each', async () => {
    const link = createLink({ kind: 'tcpin', host: '127.0.0.1', port: 0 }) as TcpServerLink;
    const { data } = track(link, cleanups);
    await link.open();
    const port = link.localPort() as number;
    link.write(Buffer.from('before'));
    expect(link.droppedWrites()).toBe(1);

    const clients = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<{ s: net.Socket; got: Buffer[] }>((resolve) => {
            const got: Buffer[] = [];
            const s = net.connect(port, '127.0.0.1', () => resolve({ s, got }));
            s.on('data', (d) => got.push(d));
            cleanups.push(() => {
              s.destroy();
            });
          }),
      ),
    );
    await waitFor(() => link.clientCount() === 2, 3000, 'two clients');
    link.write(Buffer.from('to all'));
    for (const c of clients)
      await waitFor(() => Buffer.concat(c.got).toString() === 'to all', 3000, 'broadcast');
    clients[0]?.s.write('from 0');
    clients[1]?.s.write('from 1');
    await waitFor(() => data.length >= 2, 3000, 'client data');
    expect(data.map(String).sort()).toEqual(['from 0', 'from 1']);

    clients[0]?.s.destroy();
    await waitFor(() => link.clientCount() === 1, 3000, 'one client left');
    expect(link.status()).toMatchObject({ state: 'connected' });
    link.write(Buffer.from('!'));
    await waitFor(() => Buffer.concat(clients[1]?.got ?? []).toString() === 'to all!', 3000, 'second write');
  });

  it('keeps each client byte stream separate: interleaved half frames still decode', async () => {
    const link = createLink({ kind: 'tcpin', host: '127.0.0.1', port: 0 }) as TcpServerLink;
    const conn = new MavlinkConnection(link);
    const got: Inbound[] = [];
    conn.onMessage((m) => got.push(m));
    await conn.open();
    cleanups.push(() => conn.close());
    const port = link.localPort() as number;
    const sockets = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<net.Socket>((resolve) => {
            const s = net.connect(port, '127.0.0.1', () => resolve(s));
            s.setNoDelay(true);
            cleanups.push(() => {
              s.destroy();
            });
          }),
      ),
    );
    await waitFor(() => link.clientCount() === 2, 3000, 'two clients');
    const frames = [1, 2].map((sysid) => {
      const hb = new minimal.Heartbeat();
      hb.customMode = sysid * 10;
      return encodeFrame(hb, { sysid, compid: 1, seq: 0 });
    });
    const [s0, s1] = sockets as [net.Socket, net.Socket];
    const [f0, f1] = frames as [Buffer, Buffer];
    s0.write(f0.subarray(0, 7));
    await waitFor(() => conn.stats().bytesIn === 7, 3000, 'first half of client 0');
    s1.write(f1.subarray(0, 9));
    await waitFor(() => conn.stats().bytesIn === 16, 3000, 'first half of client 1');
    s0.write(f0.subarray(7));
    s1.write(f1.subarray(9));
    await waitFor(() => got.length === 2, 3000, 'both frames');
    expect(got.map((m) => m.sysid).sort()).toEqual([1, 2]);
    expect(conn.stats().crcErrors).toBe(0);
  });
});
