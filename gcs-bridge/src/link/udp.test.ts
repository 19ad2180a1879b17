import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, track } from '../testing/links.ts';
import { sleep, waitFor } from '../testing/wait.ts';
import { createLink } from './create-link.ts';
import { UdpLink } from './udp.ts';

const cleanups = cleanupAfterEach();

async function socket(): Promise<{ s: dgram.Socket; got: Buffer[]; port: number }> {
  const s = dgram.createSocket('udp4');
  const got: Buffer[] = [];
  s.on('message', (m) => got.push(m));
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise<void>((r) => s.close(() => r())));
  return { s, got, port: s.address().port };
}

describe('udpin', () => {
  it('listens on an OS-chosen port, replies to its sender, drops writes before any peer', async () => {
    const link = createLink({ kind: 'udpin', host: '127.0.0.1', port: 0 });
    const { data, statuses } = track(link, cleanups);
    await link.open();
    const port = link.localPort();
    expect(port).toBeGreaterThan(0);

    link.write(Buffer.from('nobody yet'));
    expect(link.droppedWrites()).toBe(1);

    const a = await socket();
    a.s.send(Buffer.from('from a'), port as number, '127.0.0.1');
    await waitFor(() => data.length === 1, 2000, 'datagram from a');
    expect(data[0]?.toString()).toBe('from a');
    link.write(Buffer.from('to a'));
    await waitFor(() => a.got.length === 1, 2000, 'reply at a');
    expect(a.got[0]?.toString()).toBe('to a');
    expect(statuses.filter((s) => s.state === 'connected').map((s) => s.reason)).toEqual([
      `peer 127.0.0.1:${a.port}`,
    ]);
    expect(link.droppedWrites()).toBe(1);
  });

  it('writes to every recently heard peer, so a fleet sending to one port all get commands', async () => {
    const link = createLink({ kind: 'udpin', host: '127.0.0.1', port: 0 });
    const { data } = track(link, cleanups);
    await link.open();
    const port = link.localPort() as number;
    const vehicles = [await socket(), await socket(), await socket()];
    for (const v of vehicles) v.s.send(Buffer.from('heartbeat'), port, '127.0.0.1');
    await waitFor(() => data.length === 3, 2000, 'three senders');
    link.write(Buffer.from('command'));
    await waitFor(() => vehicles.every((v) => v.got.length === 1), 2000, 'the write at every peer');
    expect((link as UdpLink).peerCount()).toBe(3);
  });

  it('stops writing to a peer that went quiet while another is heard (a ground station moved port)', async () => {
    const link = new UdpLink(
      { kind: 'udpin', host: '127.0.0.1', port: 0 },
      'udpin://127.0.0.1:0',
      'quiet-test',
      100,
    );
    const { data } = track(link, cleanups);
    await link.open();
    const port = link.localPort() as number;
    const a = await socket();
    const b = await socket();
    a.s.send(Buffer.from('from a'), port, '127.0.0.1');
    await waitFor(() => data.length === 1, 2000, 'a');
    await sleep(150);
    b.s.send(Buffer.from('from b'), port, '127.0.0.1');
    await waitFor(() => data.length === 2, 2000, 'b');
    link.write(Buffer.from('to b'));
    await waitFor(() => b.got.length === 1, 2000, 'reply at b');
    await sleep(50);
    expect(a.got).toHaveLength(0);
    expect(link.peerCount()).toBe(1);
  });

  it('fails to open on a port in use with a message naming the link', async () => {
    const first = createLink({ kind: 'udpin', host: '127.0.0.1', port: 0 });
    track(first, cleanups);
    await first.open();
    const second = createLink({ kind: 'udpin', host: '127.0.0.1', port: first.localPort() as number });
    track(second, cleanups);
    await expect(second.open()).rejects.toThrow(
      new RegExp(`udpin://127.0.0.1:${first.localPort()}: cannot bind: .*EADDRINUSE`),
    );
  });

  it('close is idempotent and releases the port', async () => {
    const link = createLink({ kind: 'udpin', host: '127.0.0.1', port: 0 });
    await link.open();
    const port = link.localPort() as number;
    await link.close();
    await link.close();
    const again = createLink({ kind: 'udpin', host: '127.0.0.1', port });
    track(again, cleanups);
    await again.open();
    expect(again.localPort()).toBe(port);
  });
});

describe('udpout', () => {
  it('sends to the peer from an ephemeral port and receives its replies', async () => {
    const server = await socket();
    server.s.on('message', (m, rinfo) =>
      server.s.send(Buffer.concat([Buffer.from('echo:'), m]), rinfo.port, rinfo.address),
    );
    const link = createLink({ kind: 'udpout', host: '127.0.0.1', port: server.port });
    const { data, statuses } = track(link, cleanups);
    await link.open();
    expect(statuses.at(-1)?.state).toBe('connected');
    expect(link.localPort()).toBeGreaterThan(0);
    link.write(Buffer.from('ping'));
    await waitFor(() => data.length === 1, 2000, 'echo');
    expect(data[0]?.toString()).toBe('echo:ping');
    expect(link.droppedWrites()).toBe(0);
  });
});
