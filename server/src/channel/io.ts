/**
 * The one Socket.IO server of the application, attached to Fastify's HTTP server and shared
 * by every namespace (`/bridge` here, `/console` in live/). Created once per app: a second
 * call returns the same instance.
 */
import type { FastifyInstance } from 'fastify';
import { Server, type ServerOptions } from 'socket.io';

declare module 'fastify' {
  interface FastifyInstance {
    /** The application's Socket.IO server (see `attachSocketIo`). */
    io: Server;
  }
}

/**
 * Attaches Socket.IO to `app.server`, decorates the app with it as `app.io` and returns it.
 * On close, every Socket.IO connection is closed first (preClose): Node's HTTP server waits
 * for open connections before it reports closed, and WebSockets would otherwise hold it. The
 * connections end with a transport close, so clients reconnect by themselves to whatever
 * listens next.
 */
export function attachSocketIo(app: FastifyInstance, options: Partial<ServerOptions> = {}): Server {
  if (app.hasDecorator('io')) return app.io;
  const io = new Server(app.server, { serveClient: false, ...options });
  app.decorate('io', io);
  app.addHook('preClose', (done) => {
    io.engine.close();
    done();
  });
  return io;
}
