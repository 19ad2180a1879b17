/**
 * 'bridge.tlog' in the real application: a Socket.IO client playing the bridge flies a sortie
 * (armed, disarmed), uploads its recording in chunks, and the sortie serves it; a re-sent
 * upload changes nothing, and an upload for no sortie or no vehicle is refused with a code.
 */
import { sampleVehicleState } from '@aerie/contracts';
import { type ChannelItem, type TlogChunkReply, tlogChunks } from '@aerie/gcs-bridge';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { media, sorties } from '../db/schema.ts';
import { type Harness, startHarness } from '../test/harness.ts';

let h: Harness | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await h?.close();
  h = undefined;
});

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);

const state = (seq: number, armed: boolean): ChannelItem => ({
  seq,
  kind: 'state',
  sysid: 1,
  atMs: T0 + seq,
  state: sampleVehicleState({
    sysid: 1,
    autopilot: 'px4',
    vehicleType: 2,
    online: true,
    armed,
    mode: 'AUTO.LOITER',
  }),
});

async function bridgeSocket(): Promise<Socket> {
  h = await startHarness({ config: { logLevel: 'silent' } });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = h.app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const res = await h.req('POST', '/api/bridges', { token: h.adminToken, body: { name: 'ronggui' } });
  expect(res.statusCode).toBe(201);
  const s = io(`${url}/bridge`, {
    auth: { token: res.json().token },
    transports: ['websocket'],
    reconnection: false,
  });
  sockets.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
  await s.emitWithAck('bridge.hello', { epoch: 'e1', version: 't', links: [] });
  return s;
}

async function upload(s: Socket, bytes: Buffer, window: { fromMs: number; toMs: number }, sysid = 1) {
  const replies: TlogChunkReply[] = [];
  const chunks = tlogChunks(
    {
      uploadId: `u-${sysid}-${window.fromMs}`,
      sysid,
      ...window,
      bytes,
      records: 0,
      truncated: false,
      afterSeq: 0,
    },
    256 * 1024,
  );
  for (const c of chunks) replies.push(await s.emitWithAck('bridge.tlog', c));
  return replies;
}

describe("'bridge.tlog'", () => {
  it('stores a chunked upload against the sortie it overlaps, once, and serves it', async () => {
    const s = await bridgeSocket();
    const items: ChannelItem[] = [
      state(1, false),
      { seq: 2, kind: 'event', sysid: 1, atMs: T0 + 1000, event: { type: 'armed', atMs: T0 + 1000 } },
      state(3, true),
      { seq: 4, kind: 'event', sysid: 1, atMs: T0 + 60_000, event: { type: 'disarmed', atMs: T0 + 60_000 } },
    ];
    expect(await s.emitWithAck('bridge.items', items)).toEqual({ lastSeq: 4 });
    const db = h!.app.aerie.database.db;
    const [sortie] = await db.select().from(sorties);
    expect(sortie?.status).toBe('completed');

    // Over Socket.IO's 1 MB message limit as one piece: it must go in chunks.
    const bytes = Buffer.from(Array.from({ length: 1_300_000 }, (_, i) => (i * 31) & 0xff));
    const replies = await upload(s, bytes, { fromMs: T0 + 1000, toMs: T0 + 60_000 });
    expect(replies).toHaveLength(5);
    expect(replies.slice(0, 4).map((r) => r.ok && r.received)).toEqual([1, 2, 3, 4]);
    expect(replies[4]).toMatchObject({
      ok: true,
      received: 5,
      done: { sortieId: sortie!.id, bytes: bytes.length },
    });

    const got = await h!.req('GET', `/api/sorties/${sortie!.id}/tlog`, { token: h!.adminToken });
    expect(got.statusCode).toBe(200);
    expect(got.rawPayload.equals(bytes)).toBe(true);

    // The bridge never heard the last ack and sends it all again: nothing new is stored.
    const again = await upload(s, bytes, { fromMs: T0 + 1000, toMs: T0 + 60_000 });
    expect(again.at(-1)).toMatchObject({ ok: true, done: { sortieId: sortie!.id } });
    expect(await db.select().from(media)).toHaveLength(1);
    const rows = await db.select().from(sorties);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tlogSha256).toBe((await db.select().from(media))[0]!.sha256);
  });

  it('refuses an upload with no sortie in its window, or for a vehicle the bridge does not hold', async () => {
    const s = await bridgeSocket();
    await s.emitWithAck('bridge.items', [state(1, false)]);
    const tiny = Buffer.from([1, 2, 3]);
    expect((await upload(s, tiny, { fromMs: T0, toMs: T0 + 10 })).at(-1)).toMatchObject({
      ok: false,
      error: { code: 'NoSortie' },
    });
    expect((await upload(s, tiny, { fromMs: T0, toMs: T0 + 10 }, 7)).at(-1)).toMatchObject({
      ok: false,
      error: { code: 'UnknownVehicle' },
    });
    const bad: TlogChunkReply = await s.emitWithAck('bridge.tlog', { uploadId: 'x', sysid: 1 } as never);
    expect(bad).toMatchObject({ ok: false, error: { code: 'BadChunk' } });
    expect(await h!.app.aerie.database.db.select().from(media)).toHaveLength(0);
  });
});
