import { describe, expect, it } from 'vitest';
import { BUS_CHANNEL, type BusRedis, redisBus } from './bus.ts';

/** A Redis stand-in: what is published reaches every subscriber's listeners, as raw buffers. */
function fakeRedis() {
  const listeners = new Set<(channel: Buffer, message: Buffer) => void>();
  const raw: string[] = [];
  const sub: BusRedis = {
    publish: async () => 0,
    subscribe: async () => 1,
    unsubscribe: async () => 0,
    on: (_e, fn) => listeners.add(fn),
    off: (_e, fn) => listeners.delete(fn),
  };
  return {
    pub: {
      publish: async (channel: string, message: string) => {
        raw.push(message);
        const m = Buffer.from(message);
        // Delivered later, as over the network.
        queueMicrotask(() => {
          for (const l of listeners) l(Buffer.from(channel), m);
        });
        return listeners.size;
      },
    },
    sub: () => sub,
    raw,
  };
}

const settle = () => new Promise((r) => setTimeout(r, 5));

describe('cluster bus over Redis', () => {
  it('delivers to the other nodes, never back to the sender, and only the kinds each handles', async () => {
    const redis = fakeRedis();
    const errors: string[] = [];
    const a = redisBus(redis.pub, redis.sub(), 'node a', (e) => errors.push(`a: ${e.message}`));
    const b = redisBus(redis.pub, redis.sub(), 'node a2', (e) => errors.push(`b: ${e.message}`));
    const onA: unknown[] = [];
    const onB: unknown[] = [];
    a.subscribe('node.alive', (m) => onA.push(m));
    b.subscribe('node.alive', (m) => onB.push(m));
    a.publish('node.alive', { nodeId: 'node a', atMs: 1 });
    b.publish('node.alive', { nodeId: 'node a2', atMs: 2 });
    await settle();
    expect(onA).toEqual([{ nodeId: 'node a2', atMs: 2 }]);
    expect(onB).toEqual([{ nodeId: 'node a', atMs: 1 }]);
    expect(redis.raw[0]!.startsWith('node%20a node.alive\n')).toBe(true);
    expect(errors).toEqual([]);
    await a.close();
    await b.close();
  });

  it('decodes nothing of its own messages or of kinds without a handler; reports what it cannot decode', async () => {
    const redis = fakeRedis();
    const errors: string[] = [];
    const sub = redis.sub();
    const a = redisBus(redis.pub, sub, 'a', (e) => errors.push(e.message));
    a.subscribe('node.alive', () => {});
    const send = (text: string) => redis.pub.publish(BUS_CHANNEL, text);
    // Its own message, and a kind nobody handles here: not JSON after the header, yet no error,
    // because neither is decoded.
    await send('a node.alive\n{not json');
    await send('b live.batch\n{not json');
    await settle();
    expect(errors).toEqual([]);
    await send('b node.alive\n{not json');
    await send('no header at all');
    // Another channel (the Socket.IO adapter's, on the shared connection) is not the bus's.
    await redis.pub.publish('socket.io#/#', 'b node.alive\n{not json');
    await settle();
    expect(errors).toHaveLength(2);
    expect(errors[1]).toBe('bus message without a header');
    await a.close();
  });
});
