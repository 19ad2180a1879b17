/**
 * The `aerie` command line. Each package contributes its own commands through its `./cli`
 * front door; this file only assembles them and turns usage errors into a clear message
 * and a non-zero exit code.
 */
import { Command, CommanderError } from 'commander';
import { registerUp } from './up.ts';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('aerie')
    .description('Aerie: drone fleet command and dispatch')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  const [hardware, bridge, missions, server, inference, web] = await Promise.all([
    import('@aerie/hardware/cli'),
    import('@aerie/gcs-bridge/cli'),
    import('@aerie/missions/cli'),
    import('@aerie/server/cli'),
    import('@aerie/inference/cli'),
    import('@aerie/web/node'),
  ]);
  hardware.registerCommands(program);
  bridge.registerCommands(program);
  missions.registerCommands(program);
  // The server serves the console the web package builds; the dependency goes web -> contracts
  // only, so the link between the two is made here.
  server.registerCommands(program, {
    console: {
      distDir: web.WEB_DIST_DIR,
      isStale: web.isConsoleBuildStale,
      build: async (log) => {
        await web.buildConsole({ log });
      },
    },
  });
  inference.registerCommands(program);
  registerUp(program);

  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`aerie: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
