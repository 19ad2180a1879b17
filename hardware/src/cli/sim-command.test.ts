import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { minimal } from 'node-mavlink';
import { afterEach, describe, expect, it } from 'vitest';
import { AerieDockStatus } from '../dialect/aerie-dock.ts';
import { TestGroundStation } from '../sim/testing/ground-station.ts';
import { registerCommands } from './index.ts';

const AERIE = fileURLToPath(new URL('../../../bin/aerie.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function run(args: string[]) {
  const child = spawn(process.execPath, [AERIE, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => {
    stdout += b.toString();
  });
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

describe('aerie sim', () => {
  /** Parses in-process (the CLI spawn costs seconds of transpiling), capturing output. */
  async function parse(args: string[]): Promise<{ error?: CommanderError; out: string; err: string }> {
    let out = '';
    let err = '';
    const program = new Command('aerie')
      .exitOverride()
      .configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
    registerCommands(program);
    try {
      await program.parseAsync(['node', 'aerie', ...args]);
      return { out, err };
    } catch (e) {
      if (e instanceof CommanderError) return { error: e, out, err };
      throw e;
    }
  }

  it('names the bad argument', async () => {
    const home = await parse(['sim', '--home', 'abc']);
    expect(home.error?.exitCode).toBe(1);
    expect(home.err).toContain("--home must be LAT,LON in degrees, got 'abc'");
    expect((await parse(['sim', '--flavour', 'inav'])).err).toContain(
      "--flavour must be px4 or ardupilot, got 'inav'",
    );
    expect((await parse(['sim', '--vehicles', '2.5'])).err).toContain(
      "--vehicles must be an integer 1-254, got '2.5'",
    );
    expect((await parse(['sim', '--gcs', 'localhost'])).err).toContain('--gcs must be HOST:PORT');
    expect((await parse(['sim', '--loss', '120'])).err).toContain(
      "--loss must be a percentage 0-100, got '120'",
    );
    expect((await parse(['sim', '--speedup', '0'])).err).toContain('--speedup must be a number > 0');
    expect((await parse(['sim', '--bind', 'everywhere'])).err).toContain(
      "--bind must be an IPv4 address such as 127.0.0.1 or 0.0.0.0, got 'everywhere'",
    );
    expect((await parse(['sim', '--dock-rain', '-3'])).err).toContain(
      "--dock-rain must be millimetres per hour 0-500, got '-3'",
    );
  });

  it('--help describes the options', async () => {
    const help = await parse(['sim', '--help']);
    expect(help.error?.exitCode).toBe(0);
    for (const opt of [
      '--vehicles',
      '--home',
      '--speedup',
      '--flavour',
      '--base-port',
      '--bind',
      '--gcs',
      '--loss',
    ]) {
      expect(help.out).toContain(opt);
    }
  });

  it('exits 2 through the aerie entry point on a bad argument', async () => {
    const home = run(['sim', '--home', 'abc']);
    expect(await home.exited).toBe(2);
    expect(home.err()).toContain("--home must be LAT,LON in degrees, got 'abc'");
  });

  it('prints one line per vehicle, flies heartbeats to --gcs, and exits 0 on SIGINT', async () => {
    const gcs = await TestGroundStation.open(0);
    cleanup.push(() => gcs.close());
    const sim = run([
      'sim',
      '--vehicles',
      '2',
      '--base-port',
      '0',
      '--gcs',
      `127.0.0.1:${gcs.port}`,
      '--speedup',
      '5',
    ]);
    cleanup.push(async () => {
      if (sim.child.exitCode === null) sim.child.kill('SIGKILL');
    });
    const seen = new Set<number>();
    gcs.onMessage((r) => {
      if (r.message instanceof minimal.Heartbeat) seen.add(r.sysid);
    });
    const end = performance.now() + 15_000;
    while (seen.size < 2 || !sim.out().includes('Ctrl-C')) {
      if (performance.now() > end)
        throw new Error(`no heartbeats from two vehicles; output: ${sim.out()}${sim.err()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const lines = sim
      .out()
      .split('\n')
      .filter((l) => l.startsWith('sysid'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      // Loopback unless told otherwise (--bind or AERIE_SIM_BIND).
      /^sysid 1 {2}px4 {2}udp:\d+ on 127\.0\.0\.1 -> 127\.0\.0\.1:\d+ {2}home 23\.030000,113\.140000$/,
    );
    expect(lines[1]).toMatch(/^sysid 2 /);
    sim.child.kill('SIGINT');
    expect(await sim.exited).toBe(0);
    expect(sim.out()).toContain('SIGINT: closed 2 vehicle(s)');
  });

  it('--docks pairs a dock with each vehicle on its link, reporting the weather it was given', async () => {
    const gcs = await TestGroundStation.open(0);
    cleanup.push(() => gcs.close());
    const sim = run([
      'sim',
      '--vehicles',
      '1',
      '--base-port',
      '0',
      '--gcs',
      `127.0.0.1:${gcs.port}`,
      '--docks',
      '--dock-wind',
      '9',
    ]);
    cleanup.push(async () => {
      if (sim.child.exitCode === null) sim.child.kill('SIGKILL');
    });
    const status = await gcs.waitFor(AerieDockStatus, () => true, 15_000);
    expect(status.windSpeed).toBe(9);
    expect(gcs.received.find((r) => r.message === status)?.sysid).toBe(101);
    const end = performance.now() + 5000;
    while (!sim.out().includes('Ctrl-C') && performance.now() < end)
      await new Promise((r) => setTimeout(r, 20));
    expect(sim.out()).toMatch(/^dock 101\/25 {2}with sysid 1 on udp:\d+ {2}at 23\.030000,113\.140000$/m);
    sim.child.kill('SIGINT');
    expect(await sim.exited).toBe(0);
  });
});
