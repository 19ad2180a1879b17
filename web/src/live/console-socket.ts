/**
 * The one `/console` socket of the page, opened after sign-in (the session cookie
 * authenticates it) and closed at sign-out. Socket.IO reconnects by itself after a drop; the
 * connection store tells the shell what to show meanwhile. Features subscribe to its events
 * (fleet state, dock status, sortie progress) through `onConsole`, never by opening sockets
 * of their own.
 */
import type { ConsoleClientToServer, ConsoleServerToClient } from '@aerie/contracts';
import { io, type Socket } from 'socket.io-client';
import { create } from 'zustand';
import { useSession } from '../features/auth/session.ts';

export type ConsoleSocket = Socket<ConsoleServerToClient, ConsoleClientToServer>;
export type ConnectionStatus = 'connecting' | 'online' | 'offline';

export const useConnection = create<{ status: ConnectionStatus; sinceMs: number }>(() => ({
  status: 'connecting',
  sinceMs: Date.now(),
}));

let socket: ConsoleSocket | null = null;
type Wiring = (socket: ConsoleSocket) => void;
const wirings = new Set<Wiring>();

function setStatus(status: ConnectionStatus): void {
  if (useConnection.getState().status !== status) useConnection.setState({ status, sinceMs: Date.now() });
}

/** Opens the console socket (idempotent). */
export function connectConsole(): ConsoleSocket {
  if (socket) return socket;
  const s: ConsoleSocket = io('/console', {
    path: '/socket.io',
    withCredentials: true,
    transports: ['websocket', 'polling'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
  socket = s;
  setStatus('connecting');
  s.on('connect', () => setStatus('online'));
  s.on('disconnect', () => setStatus('offline'));
  s.on('connect_error', (err) => {
    setStatus('offline');
    // The server refuses the handshake when the session has ended: back to the login page.
    const code = (err as { data?: { code?: string } }).data?.code;
    if (code === 'Unauthorized') useSession.setState({ status: 'anonymous', user: null });
  });
  for (const wire of wirings) wire(s);
  return s;
}

/** Closes the socket (at sign-out). */
export function disconnectConsole(): void {
  socket?.disconnect();
  socket = null;
  setStatus('connecting');
}

export function consoleSocket(): ConsoleSocket | null {
  return socket;
}

/**
 * Runs `wire` on the current socket and on every socket opened later (after a sign-out and
 * sign-in); features attach their event handlers here. Returns an unsubscribe that stops
 * wiring future sockets (handlers already attached are removed by the caller's own cleanup).
 */
export function onConsole(wire: Wiring): () => void {
  wirings.add(wire);
  if (socket) wire(socket);
  return () => wirings.delete(wire);
}
