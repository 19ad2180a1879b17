/**
 * HTTP response shapes the web console reads, as TypeBox schemas the server's routes declare
 * (so OpenAPI and the serialiser use them) and static types the web imports. The web never
 * imports the server package: these are the only server types it sees.
 */
import { type Static, type TSchema, Type } from 'typebox';
import { VehicleStatePayload } from './channel.ts';

/** Every role Aerie knows; the server's permission matrix says what each may do. */
export const ROLES = [
  'administrator',
  'dispatcher',
  'pilot',
  'command_centre',
  'department_officer',
  'reviewer',
] as const;
export type Role = (typeof ROLES)[number];

/** Every error code the API can answer with. */
export const API_ERROR_CODES = [
  'ValidationFailed',
  'MalformedBody',
  'UnsupportedMediaType',
  'PayloadTooLarge',
  'Unauthorized',
  'Forbidden',
  'NotFound',
  /** A sortie without a raw MAVLink recording (GET /sorties/{id}/tlog). */
  'NoTlog',
  'Conflict',
  'RateLimited',
  'Unavailable',
  'Internal',
  'NotBound',
  'BridgeOffline',
  'VehicleOffline',
  'Timeout',
  /** A ticket action not possible from the ticket's status (409). */
  'InvalidTransition',
  /** Handling a ticket needs a proof photo first (400). */
  'ProofRequired',
  /** A second extension, one after the deadline, or an answer with no request (409). */
  'ExtensionNotAllowed',
  /** A grid import that is not usable GeoJSON (400). */
  'InvalidGeoJson',
  /**
   * An evidence image whose persons are not blurred yet (screening pending, or not possible):
   * not shown without `evidence.original` (409).
   */
  'EvidenceNotScreened',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** The server's error body: `{ error: { code, message, path? } }` (this is what `error` holds). */
export interface ApiErrorBody {
  code: string;
  message: string;
  /** The request field that is wrong, e.g. `/body/name`, when there is one. */
  path?: string;
  /**
   * The error's figures and names for a translated message; `detail` names the particular
   * failure within the code (`UsernameTaken` within `Conflict`).
   */
  params?: Record<string, string | number>;
}

/** A page of a list endpoint (`GET /api/<things>`): `{ items, total, limit, offset }`. */
export function Page<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
  });
}
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

const Positive = Type.Number({ exclusiveMinimum: 0 });
const PositiveInt = Type.Integer({ minimum: 1 });
const NullableString = Type.Union([Type.String(), Type.Null()]);
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);

/** Camera intrinsics, needed to georeference detections from a frame. */
export const CameraParams = Type.Object(
  {
    sensorWidthMm: Positive,
    sensorHeightMm: Positive,
    focalLengthMm: Positive,
    imageWidthPx: PositiveInt,
    imageHeightPx: PositiveInt,
  },
  { additionalProperties: false },
);
export type CameraParams = Static<typeof CameraParams>;

/** A vehicle of the register with its live state (`GET /api/vehicles`, `/api/vehicles/:id`). */
export const VehicleRecord = Type.Object({
  id: Type.String(),
  name: Type.String(),
  sysid: NullableInt,
  online: Type.Boolean(),
  /** The newest state its bridge reported since the server started; null when none. */
  state: Type.Union([VehicleStatePayload, Type.Null()]),
  serial: Type.String(),
  model: Type.String(),
  camera: Type.Union([CameraParams, Type.Null()]),
  departmentId: NullableString,
  dockId: NullableString,
  bridgeId: NullableString,
  createdAt: Type.String({ format: 'date-time' }),
});
export type VehicleRecord = Static<typeof VehicleRecord>;

/** A dock of the register (`GET /api/docks`, `/api/docks/:id`); its live status is `dock.status`. */
export const DockRecord = Type.Object({
  id: Type.String(),
  name: Type.String(),
  serial: Type.String(),
  model: Type.String(),
  siteId: Type.String(),
  departmentId: NullableString,
  latDeg: Type.Number(),
  lonDeg: Type.Number(),
  altAmslM: Type.Number(),
  bridgeId: NullableString,
  sysid: NullableInt,
  compid: NullableInt,
  createdAt: Type.String({ format: 'date-time' }),
});
export type DockRecord = Static<typeof DockRecord>;
