/**
 * nginx in front of several `aerie server` nodes, for the multi-node tests, run from the sample
 * configuration the deployment guide ships (docs/deployment/nginx.conf), so the sample is what
 * the test exercises: its `listen` and upstream `server` lines are pointed at the test's ports,
 * and the paths nginx writes (pid, logs, temporary files) at a temporary folder. A sample that
 * no longer has those lines fails here, by name.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freeTcpPort, until } from './cli.ts';
import { ROOT } from './system.ts';

/** The sample nginx configuration of the deployment guide. */
export const SAMPLE_NGINX_CONF = path.join(ROOT, 'docs', 'deployment', 'nginx.conf');

export interface Nginx {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  close(): Promise<void>;
}

/**
 * The sample with `listen` on `port` and the upstream servers replaced by `upstreams`
 * (host:port each, keeping the sample's server parameters). Throws naming what the sample lacks.
 */
export function adaptSample(sample: string, port: number, upstreams: string[], dir: string): string {
  const listen = /^(\s*)listen\s+80;\s*$/m;
  if (!listen.test(sample)) throw new Error('the sample nginx.conf has no `listen 80;` line');
  const server = /^(\s*)server\s+127\.0\.0\.1:\d+(\s[^;]*)?;\s*$/gm;
  const found = [...sample.matchAll(server)];
  if (found.length === 0)
    throw new Error('the sample nginx.conf has no upstream `server 127.0.0.1:PORT ...;` lines');
  const [indent, params] = [found[0]![1] ?? '    ', found[0]![2] ?? ''];
  let first = true;
  let conf = sample.replace(server, () => {
    if (!first) return '';
    first = false;
    return upstreams.map((u) => `${indent}server ${u}${params};`).join('\n');
  });
  conf = conf.replace(listen, `$1listen 127.0.0.1:${port};`);
  if (!/^http\s*\{/m.test(conf)) throw new Error('the sample nginx.conf has no `http {` block');
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((t) => `    ${t}_temp_path ${path.join(dir, t)};`)
    .join('\n');
  return conf.replace(/^http\s*\{/m, `http {\n    access_log ${path.join(dir, 'access.log')};\n${temp}`);
}

export async function startNginx(upstreams: string[]): Promise<Nginx> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-nginx-'));
  // Worker processes may run as another user (nginx started as root): let them write here.
  await chmod(dir, 0o777);
  const port = await freeTcpPort();
  const conf = path.join(dir, 'nginx.conf');
  await writeFile(conf, adaptSample(await readFile(SAMPLE_NGINX_CONF, 'utf8'), port, upstreams, dir));
  // Debian puts it in /usr/sbin, which is not on every user's PATH.
  const child = spawn(
    existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx',
    [
      '-p',
      dir,
      '-c',
      conf,
      '-g',
      `daemon off; pid ${path.join(dir, 'nginx.pid')}; error_log ${path.join(dir, 'error.log')} warn;`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  let failed: string | null = null;
  child.once('error', (err) => {
    failed = `${err.message} (is nginx installed? apt-get install nginx)`;
  });
  const errorLog = async () => readFile(path.join(dir, 'error.log'), 'utf8').catch(() => '');
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGQUIT');
      const exited = new Promise((r) => child.once('exit', r));
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await until(
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/api/ready`);
        return res.status > 0;
      },
      'nginx to answer',
      10_000,
      { stopIf: () => failed ?? (child.exitCode !== null ? `nginx exited:\n${out}` : null) },
    );
  } catch (err) {
    const log = await errorLog();
    await close();
    throw new Error(`${(err as Error).message}\n${log}`);
  }
  return { url: `http://127.0.0.1:${port}`, port, child, output: () => out, close };
}
