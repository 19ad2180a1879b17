/**
 * The server's command for the `aerie` CLI: `aerie server` starts the command server and runs
 * until SIGINT/SIGTERM. An entry point, so it may read the environment: flags override the
 * environment, which overrides the defaults. The admin password is taken only from
 * AERIE_ADMIN_PASSWORD, never from a flag, because command lines are visible to every user
 * of the machine.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { configFromEnv, type ServerConfigInput } from '../config.ts';
import { startServer } from '../server.ts';

function portArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError(`--port must be 0..65535, got '${value}'`);
  return n;
}

export function registerCommands(program: Command): void {
  program
    .command('server')
    .description(
      'Run the command server (HTTP API, docs at /api/docs). Env: PORT, AERIE_DATA_DIR, AERIE_ADMIN_PASSWORD',
    )
    .option('--host <address>', 'address to listen on (AERIE_HOST, default 127.0.0.1)')
    .option('--port <n>', 'port; 0 lets the OS choose (PORT, default 8080)', portArg)
    .option('--data-dir <dir>', 'database and media folder (AERIE_DATA_DIR, default ./data)')
    .action(async (opts: { host?: string; port?: number; dataDir?: string }) => {
      const config = {
        ...configFromEnv(process.env),
        ...(opts.host ? { host: opts.host } : {}),
        ...(opts.port !== undefined ? { port: opts.port } : {}),
        ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
      } as ServerConfigInput;
      const running = await startServer(config);
      process.stdout.write(`aerie server listening on ${running.url} (API docs: ${running.url}/api/docs)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await running.close();
    });
}
