/** Runs `aerie <args>` as a process (through `run-cli.ts`) and collects its output and exit code. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUN_CLI = fileURLToPath(new URL('./run-cli.ts', import.meta.url));

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

/** `env`: the child's whole environment (default: this process's). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--no-warnings', '--import', 'tsx', RUN_CLI, ...args], {
      stdio: 'pipe',
      env,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}
