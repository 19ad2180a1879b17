/**
 * A sortie (架次, arm to disarm of one aircraft) as `GET /api/sorties` and `/api/sorties/:id`
 * answer it: the server's routes declare this schema, the flight logs and the dispatch board
 * read its type.
 */
import { type Static, Type } from 'typebox';

export const SORTIE_STATUSES = ['planned', 'running', 'completed', 'aborted'] as const;
export type SortieStatus = (typeof SORTIE_STATUSES)[number];
export const SORTIE_KINDS = ['patrol', 'on_demand', 'verify'] as const;
export type SortieKind = (typeof SORTIE_KINDS)[number];
/** Sortie classes the orchestrator ranks by: emergency, on-demand, scheduled. */
export const SORTIE_CLASSES = ['scheduled', 'on_demand', 'emergency'] as const;
export type SortieClass = (typeof SORTIE_CLASSES)[number];

const NullableString = Type.Union([Type.String(), Type.Null()]);
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);
const NullableTime = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const SortieRecord = Type.Object({
  id: Type.String(),
  vehicleId: Type.String(),
  dockId: NullableString,
  departmentId: NullableString,
  kind: Type.Enum(SORTIE_KINDS),
  status: Type.Enum(SORTIE_STATUSES),
  startedAt: NullableTime,
  endedAt: NullableTime,
  distanceM: NullableNumber,
  durationS: NullableNumber,
  maxAltRelM: NullableNumber,
  /** A mission ran during the sortie (counts as a mission in statistics). */
  missionRan: Type.Boolean(),
  endReason: NullableString,
  /** The raw MAVLink recording can be downloaded from /sorties/{id}/tlog. */
  hasTlog: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  /** Orchestrated sorties (null otherwise): route and schedule flown, class and priority. */
  routeId: NullableString,
  scheduleId: NullableString,
  sortieClass: Type.Union([Type.Enum(SORTIE_CLASSES), Type.Null()]),
  priority: Type.Union([Type.Integer(), Type.Null()]),
  /** The orchestrator's phase (queued, dock_preparing, ..., closed, failed, aborted). */
  phase: NullableString,
  /** Why it failed (UploadRefused, ArmRefused, LinkLost, LowBatteryReturn, WeatherGrounded, ...). */
  failureCode: NullableString,
  /** The English reason, for logs; consoles word the failure from its code and `failureParams`. */
  failureMessage: NullableString,
  /** The failure's figures and tokens (a weather reading and its limit, the device's own words as `said`). */
  failureParams: Type.Union([
    Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
    Type.Null(),
  ]),
  dueAt: NullableTime,
  windowEndAt: NullableTime,
  /** The mission id the vehicle confirmed after upload. */
  missionId: Type.Union([Type.Integer(), Type.Null()]),
  /** Share (0..1) of the planned area the camera covered, computed at close; null without a plan. */
  coverageShare: Type.Union([Type.Number(), Type.Null()]),
  coveragePlannedM2: Type.Union([Type.Number(), Type.Null()]),
});
export type SortieRecord = Static<typeof SortieRecord>;
