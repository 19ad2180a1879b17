/** First start, restarts, configuration and the listening server. */
import { count, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { build } from '../app.ts';
import { configFromEnv, parseServerConfig } from '../config.ts';
import { rawRows } from '../db/client.ts';
import { users, vehicles } from '../db/schema.ts';
import { startServer } from '../server.ts';
import { removeTestData, testDatabaseConfig, testDatabaseServer, testDatabaseUrl } from './database.ts';
import { tempDataDir } from './harness.ts';

/** How many migrations the app's database has recorded as applied. */
async function appliedMigrations(app: Awaited<ReturnType<typeof build>>): Promise<number> {
  const { database } = app.aerie;
  const table =
    database.dialect === 'postgres' ? sql`drizzle.__drizzle_migrations` : sql`__drizzle_migrations`;
  const [row] = await rawRows<{ n: number }>(database.db, sql`select count(*) as n from ${table}`);
  return Number(row?.n);
}

function capture() {
  const lines: string[] = [];
  return { lines, write: (t: string) => void lines.push(t), text: () => lines.join('\n') };
}

async function login(app: Awaited<ReturnType<typeof build>>, username: string, password: string) {
  return app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
}

describe('first administrator', () => {
  it('gets a random password printed once, never logged, and not again on restart', async () => {
    const dir = await tempDataDir();
    try {
      const out = capture();
      const logs = capture();
      const app = await build({
        config: { dataDir: dir, logLevel: 'trace', ...(await testDatabaseConfig(dir)) },
        announce: out.write,
        logStream: logs,
      });
      expect(app.aerie.adminBootstrap).toBe('random-password');
      expect(out.lines).toHaveLength(1);
      const m = /"admin" with password: (\S+)/.exec(out.text());
      expect(m).not.toBeNull();
      const password = m![1]!;
      expect(password.length).toBeGreaterThanOrEqual(20);
      const res = await login(app, 'admin', password);
      expect(res.statusCode).toBe(200);
      await app.close();
      expect(logs.text()).not.toContain(password);
      expect(logs.text().length).toBeGreaterThan(0);

      const out2 = capture();
      const again = await build({
        config: { dataDir: dir, logLevel: 'silent', ...(await testDatabaseConfig(dir)) },
        announce: out2.write,
      });
      expect(again.aerie.adminBootstrap).toBe('existing-users');
      expect(out2.lines).toHaveLength(0);
      expect((await login(again, 'admin', password)).statusCode).toBe(200);
      await again.close();
    } finally {
      await removeTestData(dir);
    }
  });

  it('takes AERIE_ADMIN_PASSWORD through the config and prints nothing', async () => {
    const dir = await tempDataDir();
    try {
      const out = capture();
      const input = configFromEnv({
        AERIE_DATA_DIR: dir,
        AERIE_ADMIN_PASSWORD: 'chosen-by-operator',
        AERIE_LOG_LEVEL: 'silent',
        AERIE_DATABASE_URL: (await testDatabaseUrl(dir)) ?? '',
      });
      const app = await build({ config: input, announce: out.write });
      expect(app.aerie.adminBootstrap).toBe('configured-password');
      expect(out.lines).toHaveLength(0);
      expect((await login(app, 'admin', 'chosen-by-operator')).statusCode).toBe(200);
      const [n] = await app.aerie.database.db.select({ n: count() }).from(users);
      expect(n?.n).toBe(1);
      await app.close();
    } finally {
      await removeTestData(dir);
    }
  });

  it('refuses to start with an admin password shorter than 8 characters', async () => {
    const dir = await tempDataDir();
    try {
      await expect(
        build({ config: { dataDir: dir, adminPassword: 'short', ...(await testDatabaseConfig(dir)) } }),
      ).rejects.toThrow(/\/adminPassword/);
    } finally {
      await removeTestData(dir);
    }
  });
});

describe('restart', () => {
  it('finds data and sessions again and does not re-apply migrations', async () => {
    const dir = await tempDataDir();
    try {
      const cfg = {
        dataDir: dir,
        logLevel: 'silent' as const,
        adminPassword: 'admin-password-1',
        ...(await testDatabaseConfig(dir)),
      };
      const app = await build({ config: cfg });
      const token = (await login(app, 'admin', 'admin-password-1')).json().token as string;
      const auth = { authorization: `Bearer ${token}` };
      const dep = await app.inject({
        method: 'POST',
        url: '/api/departments',
        headers: auth,
        payload: { name: 'Roads' },
      });
      expect(dep.statusCode).toBe(201);
      const veh = await app.inject({
        method: 'POST',
        url: '/api/vehicles',
        headers: auth,
        payload: { name: 'Drone 7', serial: 'SN-7', model: 'M30' },
      });
      expect(veh.statusCode).toBe(201);
      const migrations = await appliedMigrations(app);
      await app.close();

      // The second start uses a different configured password: it must not reset anything.
      const again = await build({ config: { ...cfg, adminPassword: 'another-password' } });
      expect(again.aerie.adminBootstrap).toBe('existing-users');
      const me = await again.inject({ method: 'GET', url: '/api/auth/me', headers: auth });
      expect(me.statusCode).toBe(200);
      const list = await again.inject({ method: 'GET', url: '/api/vehicles', headers: auth });
      expect(list.json().items.map((v: { serial: string }) => v.serial)).toEqual(['SN-7']);
      const deps = await again.inject({ method: 'GET', url: '/api/departments', headers: auth });
      expect(deps.json().items.map((d: { name: string }) => d.name)).toEqual(['Roads']);
      const [v] = await again.aerie.database.db.select().from(vehicles).where(eq(vehicles.serial, 'SN-7'));
      expect(v?.name).toBe('Drone 7');
      const migrationsAfter = await appliedMigrations(again);
      expect(migrationsAfter).toEqual(migrations);
      expect(migrations).toBeGreaterThanOrEqual(1);
      expect((await login(again, 'admin', 'admin-password-1')).statusCode).toBe(200);
      expect((await login(again, 'admin', 'another-password')).statusCode).toBe(401);
      if (again.aerie.database.dialect === 'sqlite') {
        const journal = await rawRows<{ journal_mode: string }>(
          again.aerie.database.db,
          sql`pragma journal_mode`,
        );
        expect(journal[0]?.journal_mode).toBe('wal');
      }
      await again.close();
    } finally {
      await removeTestData(dir);
    }
  });
});

describe('config', () => {
  it('fills defaults', () => {
    const r = parseServerConfig({});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      port: 8080,
      dataDir: './data',
      host: '127.0.0.1',
      sqliteWal: true,
      login: { maxFailures: 5, windowS: 60 },
    });
    expect(r.value.adminPassword).toBeUndefined();
  });

  it('names every bad field', () => {
    const r = parseServerConfig({ port: 70000, logLevel: 'loud', colour: 'red' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('InvalidConfig');
    expect(r.error.message).toContain('/port');
    expect(r.error.message).toContain('/logLevel');
    expect(r.error.message).toContain('colour');
  });

  it('maps the environment, passing unparsable numbers on for the schema to name', () => {
    expect(
      configFromEnv({ PORT: '9000', AERIE_DATA_DIR: '/var/aerie', AERIE_ADMIN_PASSWORD: 'x'.repeat(10) }),
    ).toEqual({
      port: 9000,
      dataDir: '/var/aerie',
      adminPassword: 'x'.repeat(10),
    });
    const bad = parseServerConfig(configFromEnv({ PORT: 'eighty' }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toContain('/port');
  });

  it('takes PostgreSQL from AERIE_DATABASE_URL (SQLite without it) and names a URL of another engine', () => {
    const d = parseServerConfig({});
    expect(d.ok && d.value.databaseUrl).toBeNull();
    const url = 'postgres://aerie:secret@db.example:5432/aerie';
    const r = parseServerConfig(configFromEnv({ AERIE_DATABASE_URL: url }));
    expect(r.ok && r.value.databaseUrl).toBe(url);
    const bad = parseServerConfig(configFromEnv({ AERIE_DATABASE_URL: 'mysql://x@y/z' }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toContain('/databaseUrl');
  });

  it('maps the media store variables, and names a bad S3 endpoint or path-style flag', () => {
    const env = {
      AERIE_MEDIA_URL: 's3://aerie-media/nanhai',
      AERIE_S3_ENDPOINT: 'http://minio.local:9000',
      AERIE_S3_REGION: 'cn-south-1',
      AERIE_S3_PATH_STYLE: 'true',
    };
    const parsed = parseServerConfig(configFromEnv(env));
    expect(parsed.ok && parsed.value.media).toEqual({
      url: 's3://aerie-media/nanhai',
      s3: { endpoint: 'http://minio.local:9000', region: 'cn-south-1', pathStyle: true },
    });
    const local = parseServerConfig({});
    expect(local.ok && local.value.media).toEqual({
      url: null,
      s3: { endpoint: null, region: 'us-east-1', pathStyle: false },
    });
    const bad = parseServerConfig(
      configFromEnv({ ...env, AERIE_S3_ENDPOINT: 'minio:9000', AERIE_S3_PATH_STYLE: 'yes' }),
    );
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.message).toContain('/media/s3/endpoint');
      expect(bad.error.message).toContain('/media/s3/pathStyle');
    }
  });

  it('takes the lost-sortie timeout from AERIE_SORTIE_LOST_AFTER_S and names a bad one', () => {
    const r = parseServerConfig(configFromEnv({ AERIE_SORTIE_LOST_AFTER_S: '300' }));
    expect(r.ok && r.value.sortieLostAfterS).toBe(300);
    const d = parseServerConfig({});
    expect(d.ok && d.value.sortieLostAfterS).toBe(120);
    for (const v of ['soon', '5']) {
      const bad = parseServerConfig(configFromEnv({ AERIE_SORTIE_LOST_AFTER_S: v }));
      expect(bad.ok).toBe(false);
      if (!bad.ok) expect(bad.error.message).toContain('/sortieLostAfterS');
    }
  });
});

describe('startServer', () => {
  it('listens on a port the OS chose and answers over real HTTP', async () => {
    const dir = await tempDataDir();
    try {
      const running = await startServer(
        {
          dataDir: dir,
          port: 0,
          logLevel: 'silent',
          adminPassword: 'admin-password-1',
          ...(await testDatabaseConfig(dir)),
        },
        { announce: () => {} },
      );
      try {
        expect(running.port).toBeGreaterThan(0);
        const res = await fetch(`${running.url}/api/health`);
        expect(res.status).toBe(200);
        const health = await res.json();
        expect(health).toMatchObject({ status: 'ok', database: { ok: true } });
        // The engine in use; where it is stays out of this public answer (the start-up log says it).
        expect(health.database.dialect).toBe(testDatabaseServer() ? 'postgres' : 'sqlite');
        expect(health.database).not.toHaveProperty('location');
      } finally {
        await running.close();
      }
    } finally {
      await removeTestData(dir);
    }
  });
});
