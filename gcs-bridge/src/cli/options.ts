/** Option parsing the bridge's commands share: repeatable and numeric options, links and signing. */
import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { type SigningConfig, signingKeyFromHex, signingKeyFromPassphrase } from '../codec/signing.ts';

/** Commander's collector for a repeatable option. */
export const collect = (value: string, previous: string[]) => [...previous, value];

/** A parser for a number above 0 (a whole one when `integer`) that names the option when it is not. */
export function positiveArg(name: string, integer = false) {
  return (value: string): number => {
    const n = Number(value);
    if (!(integer ? Number.isInteger(n) : Number.isFinite(n)) || n <= 0)
      throw new InvalidArgumentError(
        `${name} must be a positive ${integer ? 'integer' : 'number'}, got '${value}'`,
      );
    return n;
  };
}

/** What a command that opens MAVLink links is told about them. */
export interface LinkOptions {
  link: string[];
  signingKeyFile?: string;
  requireSigned?: boolean;
  tlogDir?: string;
}

/** --link (repeatable, `linkHelp` lists the kinds), signing and tlog recording. */
export function addLinkOptions(cmd: Command, linkHelp: string): Command {
  return cmd
    .requiredOption('--link <uri>', linkHelp, collect, [])
    .option(
      '--signing-key-file <file>',
      'MAVLink 2 signing: file holding a 64-hex-digit key or a passphrase (or set AERIE_MAVLINK_SIGNING_KEY)',
    )
    .option('--require-signed', 'drop unsigned and badly signed packets (needs a signing key)')
    .option('--tlog-dir <dir>', 'record every link to a .tlog file in this folder');
}

/**
 * The signing key from --signing-key-file (64 hex digits or a passphrase) or
 * AERIE_MAVLINK_SIGNING_KEY; never echoed. None without --require-signed is no signing.
 */
export function signingFrom(
  opts: Pick<LinkOptions, 'signingKeyFile' | 'requireSigned'>,
  env: NodeJS.ProcessEnv,
): SigningConfig | undefined {
  let secret: string | undefined;
  if (opts.signingKeyFile) {
    try {
      secret = readFileSync(opts.signingKeyFile, 'utf8').trim();
    } catch (err) {
      throw new Error(`--signing-key-file: cannot read '${opts.signingKeyFile}': ${(err as Error).message}`);
    }
  } else secret = env.AERIE_MAVLINK_SIGNING_KEY?.trim() || undefined;
  if (!secret) {
    if (opts.requireSigned)
      throw new Error('--require-signed needs a key: --signing-key-file or AERIE_MAVLINK_SIGNING_KEY');
    return undefined;
  }
  const key = /^[0-9a-fA-F]{64}$/.test(secret) ? signingKeyFromHex(secret) : signingKeyFromPassphrase(secret);
  return { key, linkId: 1, requireSigned: Boolean(opts.requireSigned) };
}
