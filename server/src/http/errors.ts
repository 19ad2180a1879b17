/**
 * HTTP errors with stable codes. Every error response has the body
 * `{ error: { code, message, path? } }`; clients switch on `code`, people read `message`, and
 * `path` names the offending field (`body.cameraParams.focalLengthMm`) when there is one.
 */
import { API_ERROR_CODES as ERROR_CODES, type ApiErrorCode as ErrorCode } from '@aerie/contracts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type TSchema, Type } from 'typebox';
import { isForeignKeyViolation, isUniqueViolation } from '../db/client.ts';

/** Every error code the API can answer with (shared with the console, which words each one). */
export { ERROR_CODES, type ErrorCode };

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

/**
 * The figures and names of an error, so a client can word it in its own language: `detail`
 * names the particular failure within its code (`UsernameTaken` within `Conflict`), the rest are
 * the values the English message shows.
 */
export type ErrorParams = Record<string, string | number>;

/** An expected failure of a request; the error handler turns it into the JSON error body. */
export class ApiError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly path?: string,
    readonly params?: ErrorParams,
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
      /** Figures of the error for a translated message (`detail` names the failure within its code). */
      params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]))),
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
  if (first.keyword === 'required')
    return new ApiError('ValidationFailed', `${path} is required`, path, { detail: 'Required', field: path });
  if (first.keyword === 'additionalProperties')
    return new ApiError('ValidationFailed', `${path} is not a known field`, path, {
      detail: 'UnknownField',
      field: path,
    });
  if (first.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    const allowed = params.allowedValues.join(', ');
    return new ApiError('ValidationFailed', `${path} must be one of ${allowed}`, path, {
      detail: 'OneOf',
      field: path,
      allowed,
    });
  }
  return new ApiError('ValidationFailed', `${path} ${first.message ?? 'is invalid'}`, path, {
    detail: 'Invalid',
    field: path,
  });
}

/** Maps anything thrown in a request to the coded JSON error body. */
export function toApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (isUniqueViolation(err))
    return new ApiError('Conflict', 'a record with the same unique value already exists', undefined, {
      detail: 'Duplicate',
    });
  if (isForeignKeyViolation(err))
    return new ApiError(
      'Conflict',
      'the record is still referenced by other records, or refers to one that is gone',
      undefined,
      { detail: 'StillReferenced' },
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
        error: {
          code: api.code,
          message: api.message,
          ...(api.path ? { path: api.path } : {}),
          ...(api.params ? { params: api.params } : {}),
        },
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
