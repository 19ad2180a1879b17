/**
 * `aerie up`: brings the system up on one machine. Today that is the simulated fleet (its own
 * process, a peer on the wire like PX4 SITL) and the bridge, with the live fleet table; the
 * server and console join here as they land. Ctrl-C stops every process it started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Command, InvalidArgumentError, Option } from 'commander';

const AERIE = fileURLToPath(new URL('./aerie.mjs', import.meta.url));

function intArg(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be an integer ${min}..${max}, got '${value}'`);
    return n;
  };
}

export function registerUp(program: Command): void {
  program
    .command('up')
    .description(
      'start the simulated fleet and the bridge on this machine and show the live fleet (Ctrl-C stops all)',
    )
    .addOption(
      new Option('--vehicles <n>', 'simulated vehicles').default(8).argParser(intArg('--vehicles', 1, 200)),
    )
    .addOption(
      new Option('--gcs-port <port>', 'UDP port the bridge listens on')
        .default(14550)
        .argParser(intArg('--gcs-port', 1, 65535)),
    )
    .addOption(
      new Option('--base-port <port>', "first simulated vehicle's UDP port")
        .default(18570)
        .argParser(intArg('--base-port', 1, 65535)),
    )
    .option('--speedup <k>', 'simulation speed-up', '1')
    .action(async (opts: { vehicles: number; gcsPort: number; basePort: number; speedup: string }) => {
      const children: ChildProcess[] = [];
      const start = (args: string[], name: string, stdio: 'inherit' | 'ignore' = 'ignore') => {
        const child = spawn(process.execPath, [AERIE, ...args], { stdio: ['ignore', stdio, 'inherit'] });
        child.on('exit', (code, signal) => {
          if (!stopping) {
            process.stderr.write(`aerie up: ${name} exited (${signal ?? code}); stopping\n`);
            void stop(1);
          }
        });
        children.push(child);
        return child;
      };
      let stopping = false;
      const stop = async (code: number) => {
        if (stopping) return;
        stopping = true;
        for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
        await Promise.all(
          children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)),
        );
        process.exit(code);
      };
      process.on('SIGINT', () => void stop(0));
      process.on('SIGTERM', () => void stop(0));

      start(
        [
          'sim',
          '--vehicles',
          String(opts.vehicles),
          '--base-port',
          String(opts.basePort),
          '--gcs',
          `127.0.0.1:${opts.gcsPort}`,
          '--speedup',
          opts.speedup,
        ],
        'simulator',
      );
      start(['status', '--link', `udpin://127.0.0.1:${opts.gcsPort}`], 'bridge', 'inherit');
      await new Promise(() => undefined);
    });
}
