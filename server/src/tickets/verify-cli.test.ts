/** `aerie evidence verify` as a process, on a data directory the real server wrote. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test/cli.ts';
import { removeTestData, testDatabaseUrl } from '../test/database.ts';
import { testFinding } from '../test/findings.ts';
import { startHarness } from '../test/harness.ts';
import { verifyEvidenceDir } from './verify-cli.ts';

let dir = '';
let databaseUrl: string | undefined;
const shas: string[] = [];

// On PostgreSQL the CLI finds the server's database as the server did: AERIE_DATABASE_URL.
const cli = (...args: string[]) => runCli(args, { ...process.env, AERIE_DATABASE_URL: databaseUrl ?? '' });

beforeAll(async () => {
  const h = await startHarness({ tickets: { sweepEveryMs: 0 } });
  dir = h.dir;
  databaseUrl = await testDatabaseUrl(dir);
  const token = await h.userToken('command_centre');
  for (const [i, lat] of [30, 30.01, 30.02].entries()) {
    const res = await h.req('POST', '/api/findings', {
      token,
      body: {
        finding: testFinding(h.clock.t, { lat, box: [0, 0, 10, 10], errorM: 3 }),
        frame: { mime: 'image/jpeg', dataBase64: Buffer.from(`frame number ${i}`).toString('base64') },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const page = await h.req('GET', `/api/tickets/${res.json().ticket.id}`, { token });
    shas.push(page.json().evidence[0].fileSha256);
  }
  await h.close({ keepDir: true });
});
afterAll(async () => {
  await removeTestData(dir);
});

describe('aerie evidence verify', () => {
  it('reports an intact chain with exit code 0', async () => {
    const r = await cli('evidence', 'verify', '--data-dir', dir);
    expect(r.err).toBe('');
    expect(r.out.trim()).toBe('evidence chain OK: 3 records verified');
    expect(r.code).toBe(0);
  });

  it('names the first tampered record when one byte of a file changes, exit code 1', async () => {
    const file = path.join(dir, 'media', shas[1]!);
    const bytes = readFileSync(file);
    bytes[3] = bytes[3]! ^ 0x01;
    writeFileSync(file, bytes);
    const r = await cli('evidence', 'verify', '--data-dir', dir);
    expect(r.out).toMatch(
      /^evidence chain TAMPERED: FileChanged: evidence record 2 \(ticket [0-9a-f-]+\): file [0-9a-f]{64} now hashes to/,
    );
    expect(r.code).toBe(1);
  });

  it('refuses a folder without a database', async () => {
    await expect(verifyEvidenceDir(path.join(dir, 'nowhere'))).rejects.toThrow(
      /no Aerie database at .*nowhere/,
    );
  });
});
