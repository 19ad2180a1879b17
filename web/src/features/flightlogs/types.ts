/**
 * The flight log as `GET /api/sorties...` answers it (see server/src/routes/sorties.ts). The
 * sortie itself is the contracts' `SortieRecord`; the rest are plain types here (the browser
 * bundle never imports server code).
 */
import type { SortieKind, SortieRecord, SortieStatus, TicketPlace } from '@aerie/contracts';

export type { SortieKind, SortieStatus };

/** One sortie (架次): arm to disarm of one aircraft. */
export type Sortie = SortieRecord;

export interface SortieDetail extends Sortie {
  trackPointCount: number;
  eventCount: number;
}

/** One recorded position of the aircraft. */
export interface TrackPoint {
  at: string;
  latDeg: number;
  lonDeg: number;
  altAmslM: number | null;
  altRelM: number | null;
  headingDeg: number | null;
  groundSpeedMps: number | null;
  batteryPct: number | null;
}

export type EventSeverity = 'info' | 'warning' | 'error' | 'critical';

/** One vehicle event of the sortie (`data` is the event as the bridge reported it). */
export interface SortieEvent {
  id: string;
  at: string;
  kind: string;
  severity: EventSeverity;
  message: string;
  data: Record<string, unknown> | null;
}

export interface TrackPage {
  sortieId: string;
  points: TrackPoint[];
  nextFrom: string | null;
}

export interface EventPage {
  sortieId: string;
  events: SortieEvent[];
  nextFrom: string | null;
}

/** A vehicle or dock as the lists need it: id and name. */
export interface Named {
  id: string;
  name: string;
}

/** `GET /api/sorties/:id/report`: what the printed sortie report shows. */
export interface SortieReport {
  sortie: SortieDetail & {
    coverageShare: number | null;
    coveragePlannedM2: number | null;
    routeId: string | null;
  };
  vehicleName: string | null;
  routeName: string | null;
  plannedPath: Array<{ lat: number; lon: number }>;
  plannedArea: Array<{ lat: number; lon: number }>;
  track: Array<{ lat: number; lon: number }>;
  findings: Array<{ ticketId: string; score: number | null; lat: number; lon: number; capturedAt: string }>;
  tickets: Array<TicketPlace & { id: string; departmentName: string | null }>;
}
