/**
 * Server configuration: one schema with defaults, checked at start-up. Library code receives a
 * parsed `ServerConfig`; only the entry point (`server.ts`) looks at the environment, through
 * `configFromEnv`.
 */
import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';
import { fail, ok, type Result } from './result.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** JSON schema of the server configuration; every field but `adminPassword` has a default. */
export const ServerConfigSchema = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', minLength: 1, description: 'Address to listen on' }),
    port: Type.Integer({ default: 8080, minimum: 0, maximum: 65535, description: '0 lets the OS choose' }),
    dataDir: Type.String({ default: './data', minLength: 1, description: 'Database and media folder' }),
    adminPassword: Type.Optional(
      Type.String({
        minLength: 8,
        description: 'Password of the first administrator `admin`, used only when no user exists yet',
      }),
    ),
    consoleDir: Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
      default: null,
      description: 'The built web console, served at / (null: API only)',
    }),
    sqliteWal: Type.Boolean({ default: true, description: 'SQLite write-ahead logging' }),
    sessionTtlS: Type.Integer({ default: 12 * 3600, minimum: 60, description: 'Session lifetime' }),
    cookieSecure: Type.Boolean({
      default: false,
      description: 'Mark the session cookie Secure (set when served over HTTPS)',
    }),
    trustProxy: Type.Boolean({ default: false, description: 'Take client addresses from X-Forwarded-For' }),
    logLevel: Type.Enum(LOG_LEVELS, { default: 'info' }),
    login: Type.Object(
      {
        maxFailures: Type.Integer({
          default: 5,
          minimum: 1,
          description: 'Failed logins allowed per window',
        }),
        windowS: Type.Integer({ default: 60, minimum: 1, description: 'Failure counting window' }),
      },
      { default: {}, additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/** A checked configuration with every default filled in. */
export type ServerConfig = Static<typeof ServerConfigSchema>;

/** Input to `parseServerConfig`: any subset of the fields. */
export type ServerConfigInput = Partial<Omit<ServerConfig, 'login'>> & {
  login?: Partial<ServerConfig['login']>;
};

/**
 * Fills defaults and checks `input`. Fails with code 'InvalidConfig' and a message naming every
 * bad field, so start-up stops with something an operator can act on.
 */
export function parseServerConfig(input: unknown): Result<ServerConfig, 'InvalidConfig'> {
  const withDefaults = Value.Default(ServerConfigSchema, Value.Clone(input ?? {}));
  if (Value.Check(ServerConfigSchema, withDefaults)) return ok(withDefaults);
  const problems = Value.Errors(ServerConfigSchema, withDefaults).map((e) => {
    const extra =
      e.keyword === 'additionalProperties'
        ? ` (${((e.params as { additionalProperties?: string[] }).additionalProperties ?? []).join(', ')})`
        : '';
    return `${e.instancePath || '/'}: ${e.message}${extra}`;
  });
  return fail('InvalidConfig', `invalid server configuration: ${problems.join('; ')}`);
}

/**
 * Maps environment variables to configuration input: PORT, AERIE_HOST, AERIE_DATA_DIR,
 * AERIE_ADMIN_PASSWORD, AERIE_CONSOLE_DIR, AERIE_LOG_LEVEL, AERIE_COOKIE_SECURE, AERIE_TRUST_PROXY. Takes the
 * environment as an argument so only the entry point touches `process.env`. Numbers that do
 * not parse are passed through as text, so the schema check names them.
 */
export function configFromEnv(env: Record<string, string | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const num = (v: string) => (/^\d+$/.test(v) ? Number(v) : v);
  const bool = (v: string) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v);
  if (env.PORT) out.port = num(env.PORT);
  if (env.AERIE_HOST) out.host = env.AERIE_HOST;
  if (env.AERIE_DATA_DIR) out.dataDir = env.AERIE_DATA_DIR;
  if (env.AERIE_ADMIN_PASSWORD) out.adminPassword = env.AERIE_ADMIN_PASSWORD;
  if (env.AERIE_CONSOLE_DIR) out.consoleDir = env.AERIE_CONSOLE_DIR;
  if (env.AERIE_LOG_LEVEL) out.logLevel = env.AERIE_LOG_LEVEL;
  if (env.AERIE_COOKIE_SECURE) out.cookieSecure = bool(env.AERIE_COOKIE_SECURE);
  if (env.AERIE_TRUST_PROXY) out.trustProxy = bool(env.AERIE_TRUST_PROXY);
  return out;
}
