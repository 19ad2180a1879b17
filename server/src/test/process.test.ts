/** The server as a real process: the CLI command and the `server.ts` entry point. */
import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDataDir } from './harness.ts';

const RUN_CLI = fileURLToPath(new URL('./run-cli.ts', import.meta.url));
const SERVER = fileURLToPath(new URL('../server.ts', import.meta.url));

interface Proc {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  /** Resolves with the first match of `re` in stdout. */
  waitFor(re: RegExp): Promise<RegExpExecArray>;
  stop(): Promise<number | null>;
}

const started: Proc[] = [];
afterEach(async () => {
  for (const p of started.splice(0)) if (p.child.exitCode === null) await p.stop();
});

function run(args: string[], env: Record<string, string>): Proc {
  const { AERIE_ADMIN_PASSWORD: _a, PORT: _p, AERIE_DATA_DIR: _d, ...base } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    env: { ...base, AERIE_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const p: Proc = {
    child,
    out: () => out,
    err: () => err,
    waitFor(re) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(out);
          if (m) return resolve(m);
          if (child.exitCode !== null) return reject(new Error(`exited ${child.exitCode}: ${err}${out}`));
          waiters.push(check);
        };
        child.once('exit', () => check());
        check();
      });
    },
    stop() {
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      });
    },
  };
  started.push(p);
  return p;
}

describe('aerie server (CLI)', () => {
  it('prints a random admin password on first start only, and serves with it', async () => {
    const dir = await tempDataDir();
    try {
      const first = run([RUN_CLI, 'server', '--port', '0', '--data-dir', dir], {});
      const [, url] = await first.waitFor(/listening on (http:\/\/\S+) /);
      const password = (/"admin" with password: (\S+)/.exec(first.out()) ?? [])[1];
      expect(password).toBeDefined();
      expect(first.out().split(password!).length - 1).toBe(1);
      const login = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(login.status).toBe(200);
      expect(login.headers.get('set-cookie')).toMatch(/HttpOnly/);
      expect(await first.stop()).toBe(0);

      const second = run([RUN_CLI, 'server', '--port', '0', '--data-dir', dir], {});
      const [, url2] = await second.waitFor(/listening on (http:\/\/\S+) /);
      expect((await fetch(`${url2}/api/health`)).status).toBe(200);
      expect(second.out()).not.toContain('password');
      await second.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('server.ts entry point', () => {
  it('reads PORT, AERIE_DATA_DIR and AERIE_ADMIN_PASSWORD from the environment', async () => {
    const dir = await tempDataDir();
    try {
      const p = run([SERVER], {
        PORT: '0',
        AERIE_DATA_DIR: dir,
        AERIE_ADMIN_PASSWORD: 'from-the-environment',
      });
      const [, url] = await p.waitFor(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
      const login = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'from-the-environment' }),
      });
      expect(login.status).toBe(200);
      expect(p.out()).not.toContain('from-the-environment');
      expect(p.out()).not.toContain('with password');
      expect(await p.stop()).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start on an invalid setting and names it', async () => {
    const p = run([SERVER], { PORT: 'eighty' });
    const code = await new Promise<number | null>((resolve) => p.child.once('exit', resolve));
    expect(code).toBe(1);
    expect(p.err()).toMatch(/invalid server configuration: \/port/);
  });
});
