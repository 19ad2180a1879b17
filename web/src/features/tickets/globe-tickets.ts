/**
 * Glue between the tickets and the command view's globe: the open tickets are asked of the
 * server once (newest first, up to MAX_PINS), then kept current from `ticket.changed` on the
 * console socket; every change redraws the pins on the overlay, never the globe. A reconnect
 * asks again, since events may have been missed while the socket was down.
 */
import type { ConsoleTicketChange } from '@aerie/contracts';
import type { Globe } from '../../lib/globe/globe.ts';
import { onConsole } from '../../live/console-socket.ts';
import { listTickets } from './api.ts';
import { applyTicketChange, markersOf, pinsFrom, type TicketPin } from './ticket-pins.ts';
import { OPEN_STATUSES } from './types.ts';

/** More open tickets than this on one district's globe would be unreadable anyway. */
export const MAX_PINS = 1000;
const PAGE = 500;

async function loadOpenTickets(): Promise<TicketPin[]> {
  const out: TicketPin[] = [];
  for (let offset = 0; offset < MAX_PINS; offset += PAGE) {
    const page = await listTickets({ status: OPEN_STATUSES, limit: PAGE, offset });
    out.push(...page.items);
    if (page.items.length < PAGE || out.length >= page.total) break;
  }
  return out;
}

/**
 * Draws the open tickets on `globe` and keeps them drawn; `onCount` hears how many are shown.
 * Returns the function that stops it.
 */
export function bindTicketsToGlobe(globe: Globe, onCount: (n: number) => void): () => void {
  let pins = new Map<string, TicketPin>();
  let stopped = false;
  // Changes that arrive while the list is loading are applied on top of it.
  let pending: ConsoleTicketChange[] | null = [];
  const draw = () => {
    globe.tickets.set(markersOf(pins));
    onCount(pins.size);
  };
  const reload = () => {
    pending = [];
    loadOpenTickets()
      .then((list) => {
        if (stopped) return;
        pins = pinsFrom(list);
        for (const c of pending ?? []) applyTicketChange(pins, c);
        pending = null;
        draw();
      })
      .catch(() => {
        // The globe works without the pins; the next reconnect asks again.
        pending = null;
      });
  };
  const onChange = (c: ConsoleTicketChange) => {
    if (pending) pending.push(c);
    else if (applyTicketChange(pins, c)) draw();
  };
  // Events missed while the socket was down: ask for the list again once it is back.
  let dropped = false;
  const onDisconnect = () => {
    dropped = true;
  };
  const onConnect = () => {
    if (!dropped) return;
    dropped = false;
    reload();
  };
  const unbind: Array<() => void> = [];
  const offWiring = onConsole((s) => {
    s.on('ticket.changed', onChange);
    s.on('connect', onConnect);
    s.on('disconnect', onDisconnect);
    unbind.push(() => {
      s.off('ticket.changed', onChange);
      s.off('connect', onConnect);
      s.off('disconnect', onDisconnect);
    });
  });
  reload();
  window.__aerie = Object.assign(window.__aerie ?? {}, {
    ticketPins: () => ({
      shown: globe.tickets.visible,
      drawn: globe.tickets.drawnIds(),
      open: [...pins.keys()],
    }),
    ticketScreenPosition: (id: string) => globe.tickets.screenPositionOf(id),
  });
  return () => {
    stopped = true;
    offWiring();
    for (const u of unbind) u();
  };
}
