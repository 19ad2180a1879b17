import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bridgeToken, serverUrl } from './bridge-command.ts';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = '';
});

describe('aerie bridge options', () => {
  it('takes the token from the file first, then --token, then AERIE_BRIDGE_TOKEN', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-bridge-cli-'));
    const file = path.join(dir, 'token');
    await writeFile(file, '  brg_from_file\n');
    const env = { AERIE_BRIDGE_TOKEN: 'brg_from_env' };
    expect(bridgeToken({ tokenFile: file, token: 'brg_flag' }, env)).toBe('brg_from_file');
    expect(bridgeToken({ token: 'brg_flag' }, env)).toBe('brg_flag');
    expect(bridgeToken({}, env)).toBe('brg_from_env');
  });

  it('names the problem with the token without echoing any secret', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-bridge-cli-'));
    const empty = path.join(dir, 'empty');
    await writeFile(empty, '\n');
    expect(() => bridgeToken({}, {})).toThrow(/--token-file FILE or set AERIE_BRIDGE_TOKEN/);
    expect(() => bridgeToken({ tokenFile: empty }, {})).toThrow(/is empty/);
    expect(() => bridgeToken({ tokenFile: path.join(dir, 'missing') }, {})).toThrow(
      /--token-file: cannot read/,
    );
  });

  it('accepts http(s) server URLs and refuses others, and credentials in the URL', () => {
    expect(serverUrl('http://10.0.0.5:8080/')).toBe('http://10.0.0.5:8080');
    expect(serverUrl('https://aerie.example.gov')).toBe('https://aerie.example.gov');
    expect(() => serverUrl('ws://10.0.0.5:8080')).toThrow(/--server: .* must start with http/);
    expect(() => serverUrl('10.0.0.5:8080')).toThrow(/expected e.g. http:/);
    expect(() => serverUrl('not a url')).toThrow(/not a URL/);
    expect(() => serverUrl('http://user:pw@host')).toThrow(/no credentials/);
  });
});
