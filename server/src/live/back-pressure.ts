/**
 * Whether a console socket can take another message now. Socket.IO has no public back-pressure
 * signal (an emit never says "buffer full", and there is no 'drain' on a Socket.IO socket:
 * socketio/socket.io#3158; volatile emits drop the newest state as readily as stale ones), so
 * this one function reads Engine.IO's connection state: open, transport writable, nothing in
 * its write buffer. Everything else in the fan-out asks only this.
 */
import type { Socket } from 'socket.io';

/** True when nothing of this socket is waiting in Engine.IO's buffers or on the wire. */
export function drained(socket: Pick<Socket, 'conn'>): boolean {
  const conn = socket.conn as unknown as {
    readyState: string;
    transport: { writable: boolean };
    writeBuffer: unknown[];
  };
  return conn.readyState === 'open' && conn.transport.writable && conn.writeBuffer.length === 0;
}
