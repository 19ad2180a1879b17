/** A pty pair from Debian's socat, for serial tests: two stable symlinked paths in a temp folder. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PtyPair {
  a: string;
  b: string;
  close(): Promise<void>;
}

export async function ptyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'aerie-pty-'));
  const a = join(dir, 'ttyA');
  const b = join(dir, 'ttyB');
  const child: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: 'ignore',
  });
  const until = Date.now() + 5000;
  while (!(existsSync(a) && existsSync(b))) {
    if (child.exitCode !== null) throw new Error(`socat exited with ${child.exitCode}: is socat installed?`);
    if (Date.now() > until) throw new Error('socat did not create the pty pair within 5 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    a,
    b,
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
