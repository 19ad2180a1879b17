import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sessions, users } from '../db/schema.ts';
import { ADMIN_PASSWORD, type Harness, startHarness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

function setCookie(res: { headers: Record<string, unknown> }): string {
  const v = res.headers['set-cookie'];
  return Array.isArray(v) ? v.join('\n') : String(v ?? '');
}

describe('login', () => {
  it('refuses a wrong password and an unknown user with the same 401', async () => {
    const wrong = await h.login('admin', 'not-the-password');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ error: { code: 'Unauthorized', message: 'wrong username or password' } });
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const unknown = await h.login('nobody', 'whatever-it-is');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.message).toBe(wrong.json().error.message);
  });

  it('returns user info and a token, and sets an httpOnly SameSite=Strict cookie', async () => {
    const res = await h.login('admin', ADMIN_PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user).toMatchObject({ username: 'admin', role: 'administrator', disabled: false });
    expect(body.user.passwordHash).toBeUndefined();
    expect(body.token).toMatch(/^ses_[A-Za-z0-9_-]{40,}$/);
    const cookie = setCookie(res);
    expect(cookie).toContain(`aerie_session=${body.token}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('marks the cookie Secure when configured', async () => {
    const s = await startHarness({ config: { cookieSecure: true } });
    try {
      const res = await s.login('admin', ADMIN_PASSWORD);
      expect(setCookie(res)).toMatch(/; Secure/);
    } finally {
      await s.close();
    }
  });

  it('accepts the bearer token and the cookie; stores only a hash of the token', async () => {
    const res = await h.login('admin', ADMIN_PASSWORD);
    const token = res.json().token as string;
    const viaBearer = await h.req('GET', '/api/auth/me', { token });
    expect(viaBearer.statusCode).toBe(200);
    expect(viaBearer.json().username).toBe('admin');
    const viaCookie = await h.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      cookies: { aerie_session: token },
    });
    expect(viaCookie.statusCode).toBe(200);
    const rows = await h.app.aerie.database.db.select().from(sessions);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.tokenHash).not.toContain(token);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('tells the console which permissions the role holds: a pilot may command, the command centre only watches', async () => {
    const pilot = await h.req('GET', '/api/auth/me', { token: await h.userToken('pilot') });
    expect(pilot.json().role).toBe('pilot');
    expect(pilot.json().permissions).toContain('vehicles.command');
    const watcher = await h.req('GET', '/api/auth/me', { token: await h.userToken('command_centre') });
    expect(watcher.json().permissions).toContain('vehicles.read');
    expect(watcher.json().permissions).not.toContain('vehicles.command');
    expect(watcher.json().permissions).not.toContain('users.write');
  });

  it('rejects a missing, malformed or made-up token with 401', async () => {
    expect((await h.req('GET', '/api/auth/me')).statusCode).toBe(401);
    expect((await h.req('GET', '/api/auth/me', { token: 'ses_madeup' })).json().error.code).toBe(
      'Unauthorized',
    );
    const basic = await h.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: 'Basic abc' },
    });
    expect(basic.statusCode).toBe(401);
  });

  it('logout ends the session for bearer and cookie alike, and clears the cookie', async () => {
    const token = (await h.login('admin', ADMIN_PASSWORD)).json().token as string;
    const other = (await h.login('admin', ADMIN_PASSWORD)).json().token as string;
    const out = await h.req('POST', '/api/auth/logout', { token });
    expect(out.statusCode).toBe(204);
    expect(setCookie(out)).toMatch(/aerie_session=;/);
    expect((await h.req('GET', '/api/auth/me', { token })).statusCode).toBe(401);
    const cookieAfter = await h.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      cookies: { aerie_session: token },
    });
    expect(cookieAfter.statusCode).toBe(401);
    // Another session of the same user is untouched.
    expect((await h.req('GET', '/api/auth/me', { token: other })).statusCode).toBe(200);
  });

  it('sessions expire after the configured lifetime', async () => {
    const token = (await h.login('admin', ADMIN_PASSWORD)).json().token as string;
    h.clock.t += h.app.aerie.config.sessionTtlS * 1000 - 1000;
    expect((await h.req('GET', '/api/auth/me', { token })).statusCode).toBe(200);
    h.clock.t += 2000;
    expect((await h.req('GET', '/api/auth/me', { token })).statusCode).toBe(401);
  });

  it('stores passwords as argon2id', async () => {
    const [admin] = await h.app.aerie.database.db.select().from(users).where(eq(users.username, 'admin'));
    expect(admin?.passwordHash).toMatch(/^\$argon2id\$v=19\$/);
    expect(admin?.passwordHash).not.toContain(ADMIN_PASSWORD);
  });

  it('a disabled user cannot sign in and loses open sessions; a new password ends sessions', async () => {
    const token = await h.userToken('pilot', { username: 'pilot-a' });
    const [u] = await h.app.aerie.database.db.select().from(users).where(eq(users.username, 'pilot-a'));
    const changed = await h.req('PATCH', `/api/users/${u!.id}`, {
      token: h.adminToken,
      body: { password: 'a-new-password' },
    });
    expect(changed.statusCode).toBe(200);
    expect((await h.req('GET', '/api/auth/me', { token })).statusCode).toBe(401);
    expect((await h.login('pilot-a', 'password-of-user')).statusCode).toBe(401);
    const again = (await h.login('pilot-a', 'a-new-password')).json().token as string;
    expect((await h.req('GET', '/api/auth/me', { token: again })).statusCode).toBe(200);
    await h.req('PATCH', `/api/users/${u!.id}`, { token: h.adminToken, body: { disabled: true } });
    expect((await h.req('GET', '/api/auth/me', { token: again })).statusCode).toBe(401);
    expect((await h.login('pilot-a', 'a-new-password')).statusCode).toBe(401);
  });

  it('rejects bad login bodies naming the field', async () => {
    const res = await h.req('POST', '/api/auth/login', { body: { username: 'admin' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'ValidationFailed', path: 'body.password' });
    const num = await h.req('POST', '/api/auth/login', { body: { username: 'admin', password: 12345678 } });
    expect(num.json().error).toMatchObject({ code: 'ValidationFailed', path: 'body.password' });
  });
});

describe('own password', () => {
  it('changes with the current password, keeps this session and ends the others', async () => {
    const token = await h.userToken('dispatcher', { username: 'disp-c' });
    const other = (await h.login('disp-c', 'password-of-user')).json().token as string;
    const wrong = await h.req('POST', '/api/auth/password', {
      token,
      body: { currentPassword: 'not-it', newPassword: 'brand-new-password' },
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error).toMatchObject({ code: 'Forbidden', path: 'body.currentPassword' });
    const short = await h.req('POST', '/api/auth/password', {
      token,
      body: { currentPassword: 'password-of-user', newPassword: 'short' },
    });
    expect(short.json().error).toMatchObject({ code: 'ValidationFailed', path: 'body.newPassword' });
    const ok = await h.req('POST', '/api/auth/password', {
      token,
      body: { currentPassword: 'password-of-user', newPassword: 'brand-new-password' },
    });
    expect(ok.statusCode).toBe(204);
    expect((await h.req('GET', '/api/auth/me', { token })).statusCode).toBe(200);
    expect((await h.req('GET', '/api/auth/me', { token: other })).statusCode).toBe(401);
    expect((await h.login('disp-c', 'password-of-user')).statusCode).toBe(401);
    expect((await h.login('disp-c', 'brand-new-password')).statusCode).toBe(200);
  });
});

describe('login rate limiting', () => {
  it('blocks an address after 5 failures in a minute, even with the right password, then lets it in again', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await h.login(`user-${i}`, 'wrong-password', '10.0.0.7');
      expect(res.statusCode).toBe(401);
    }
    const blocked = await h.login('admin', ADMIN_PASSWORD, '10.0.0.7');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('RateLimited');
    expect(blocked.json().token).toBeUndefined();
    // Another address is not affected.
    expect((await h.login('admin', ADMIN_PASSWORD, '10.0.0.8')).statusCode).toBe(200);
    h.clock.t += 61_000;
    expect((await h.login('admin', ADMIN_PASSWORD, '10.0.0.7')).statusCode).toBe(200);
  });

  it('blocks a username after 5 failures from different addresses', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await h.login('admin', 'wrong-password', `10.1.0.${i + 1}`)).statusCode).toBe(401);
    }
    const blocked = await h.login('admin', ADMIN_PASSWORD, '10.1.0.99');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('RateLimited');
    // Other users can still sign in from that address.
    await h.userToken('reviewer', { username: 'rev-b' });
    expect((await h.login('rev-b', 'password-of-user', '10.1.0.99')).statusCode).toBe(200);
  });

  it('caps login requests per address, whatever they contain', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 31; i++) {
      const res = await h.req('POST', '/api/auth/login', { body: { username: 'x' }, ip: '10.3.0.1' });
      codes.push(res.statusCode);
      if (res.statusCode === 429) expect(res.json().error.code).toBe('RateLimited');
    }
    expect(codes.slice(0, 30).every((c) => c === 400)).toBe(true);
    expect(codes[30]).toBe(429);
    expect((await h.login('admin', ADMIN_PASSWORD, '10.3.0.2')).statusCode).toBe(200);
  });

  it('records failed and refused logins in the audit log with the name tried, never the password', async () => {
    await h.login('admin', 'wrong-password-xyz', '10.2.0.1');
    const audit = await h.req('GET', '/api/audit?limit=5', { token: h.adminToken });
    const entry = audit.json().items.find((e: { statusCode: number }) => e.statusCode === 401);
    expect(entry).toMatchObject({
      method: 'POST',
      route: '/api/auth/login',
      username: 'admin',
      ip: '10.2.0.1',
    });
    expect(audit.body).not.toContain('wrong-password-xyz');
  });
});
