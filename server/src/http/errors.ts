/**
 * HTTP errors with stable codes. Every error response has the body
 * `{ error: { code, message, path? } }`; clients switch on `code`, people read `message`, and
 * `path` names the offending field (`body.cameraParams.focalLengthMm`) when there is one.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type TSchema, Type } from 'typebox';
import { isForeignKeyViolation, isUniqueViolation } from '../db/client.ts';

/** Every error code the API can answer with. */
export const ERROR_CODES = [
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
export type ErrorCode = (typeof ERROR_CODES)[number];

const STATUS: Record<ErrorCode, number> = {
  ValidationFailed: 400,
  MalformedBody: 400,
  UnsupportedMediaType: 415,
  PayloadTooLarge: 413,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  NoTlog: 404,
  Conflict: 409,
  RateLimited: 429,
  Unavailable: 503,
  Internal: 500,
  // A vehicle command that could not reach the vehicle, or got no answer in time.
  NotBound: 409,
  BridgeOffline: 409,
  VehicleOffline: 409,
  Timeout: 504,
  InvalidTransition: 409,
  ProofRequired: 400,
  ExtensionNotAllowed: 409,
  InvalidGeoJson: 400,
  EvidenceNotScreened: 409,
};

/** An expected failure of a request; the error handler turns it into the JSON error body. */
export class ApiError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = STATUS[code];
  }
}

/** Schema of the error body, shared by every route's response map. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.Enum(ERROR_CODES),
      message: Type.String(),
      path: Type.Optional(Type.String()),
    }),
  },
  { $id: 'ErrorBody' },
);

/**
 * Response schemas for the error statuses a route can produce. Every route with authentication
 * gets 401 and 403; add 400/404/409 as they apply.
 */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const s of statuses) out[s] = Type.Ref('ErrorBody');
  return out;
}

interface AjvLikeError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** `body` + `/camera/focalLengthMm` -> `body.camera.focalLengthMm`; array indexes stay numbers. */
function fieldPath(context: string, instancePath: string, leaf?: unknown): string {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (typeof leaf === 'string') parts.push(leaf);
  return [context, ...parts].join('.');
}

function validationError(err: FastifyError): ApiError {
  const first = (err.validation?.[0] ?? {}) as AjvLikeError;
  const context = err.validationContext ?? 'body';
  const params = first.params ?? {};
  const leaf = params.missingProperty ?? params.additionalProperty;
  const path = fieldPath(context, first.instancePath ?? '', leaf);
  let message: string;
  if (first.keyword === 'required') message = `${path} is required`;
  else if (first.keyword === 'additionalProperties') message = `${path} is not a known field`;
  else if (first.keyword === 'enum' && Array.isArray(params.allowedValues))
    message = `${path} must be one of ${params.allowedValues.join(', ')}`;
  else message = `${path} ${first.message ?? 'is invalid'}`;
  return new ApiError('ValidationFailed', message, path);
}

/** Maps anything thrown in a request to the coded JSON error body. */
export function toApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (isUniqueViolation(err))
    return new ApiError('Conflict', 'a record with the same unique value already exists');
  if (isForeignKeyViolation(err))
    return new ApiError(
      'Conflict',
      'the record is still referenced by other records, or refers to one that is gone',
    );
  const fe = err as FastifyError;
  if (fe?.validation) return validationError(fe);
  switch (fe?.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('UnsupportedMediaType', 'request body must be application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('PayloadTooLarge', 'request body is too large');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('MalformedBody', 'request body is empty but the content type says JSON');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError('MalformedBody', `request body is not valid JSON: ${fe.message}`);
  }
  if (fe?.statusCode === 429) return new ApiError('RateLimited', 'too many requests; try again later');
  if (fe instanceof SyntaxError && (fe as { statusCode?: number }).statusCode === 400)
    return new ApiError('MalformedBody', `request body is not valid JSON: ${fe.message}`);
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500)
    return new ApiError('MalformedBody', fe.message);
  return undefined;
}

/** Installs the error and not-found handlers that give every failure the same body. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const api = toApiError(err);
    if (api) {
      const body = {
        error: { code: api.code, message: api.message, ...(api.path ? { path: api.path } : {}) },
      };
      return reply.status(api.statusCode).send(body);
    }
    req.log.error({ err }, 'request failed');
    return reply.status(500).send({ error: { code: 'Internal', message: 'internal server error' } });
  });
  app.setNotFoundHandler((req, reply) => {
    reply
      .status(404)
      .send({ error: { code: 'NotFound', message: `no route ${req.method} ${req.url.split('?')[0]}` } });
  });
}
