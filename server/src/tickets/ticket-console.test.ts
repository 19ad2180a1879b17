/** `ticket.changed` fan-out: the change drawn from a desk event, and who receives it. */
import type { Server } from 'socket.io';
import { describe, expect, it } from 'vitest';
import { viewerRooms } from '../live/visibility.ts';
import type { TicketEvent, TicketSummary } from './desk.ts';
import { ticketChangeOf, ticketChangePublisher } from './ticket-console.ts';

const ticket = (departmentId: string | null) =>
  ({
    id: 't-1',
    number: 'GC-20260601-0001',
    category: 'fire_smoke',
    status: 'dispatched',
    urgent: true,
    lat: 23.03,
    lon: 113.14,
    departmentId,
  }) as TicketSummary;

/** Sockets in the rooms the console fan-out puts them in (`viewerRooms`; none when not signed in). */
function fakeIo(sockets: Array<{ scope: 'all' | 'department'; departmentId: string | null } | null>) {
  const got: Array<Array<[string, unknown]>> = sockets.map(() => []);
  const rooms = sockets.map((s) => new Set(s ? viewerRooms(s) : []));
  const to = (targets: string[]) => ({
    emit: (name: string, payload: unknown) => {
      rooms.forEach((mine, i) => {
        if (targets.some((r) => mine.has(r))) got[i]!.push([name, payload]);
      });
    },
  });
  const io = { of: () => ({ to }) } as unknown as Server;
  return { io, got };
}

describe('ticket.changed', () => {
  it('carries what the globe draws and what happened', () => {
    const e: TicketEvent = { type: 'ticket.created', at: 1000, ticket: ticket('fire'), vehicleId: null };
    const { id, ...fields } = ticket('fire');
    expect(ticketChangeOf(e)).toEqual({ ticketId: id, ...fields, event: 'ticket.created', atMs: 1000 });
    expect(ticketChangeOf({ type: 'triage.created', at: 1, item: {} as never })).toBeNull();
  });

  it("goes to the command centre and the ticket's department, not to other departments or anonymous sockets", () => {
    const { io, got } = fakeIo([
      { scope: 'all', departmentId: null },
      { scope: 'department', departmentId: 'fire' },
      { scope: 'department', departmentId: 'water' },
      null,
    ]);
    ticketChangePublisher(io)({ type: 'ticket.created', at: 5, ticket: ticket('fire'), vehicleId: null });
    expect(got.map((g) => g.length)).toEqual([1, 1, 0, 0]);
    expect(got[0]![0]![0]).toBe('ticket.changed');
  });
});
