// Runs `aerie server ...` the way the root CLI would, for the process-level tests.
import { Command } from 'commander';
import { registerCommands } from '../cli/index.ts';

const program = new Command('aerie');
registerCommands(program);
await program.parseAsync(process.argv);
