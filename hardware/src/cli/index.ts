import type { Command } from 'commander';
export function registerCommands(program: Command): void {
  program
    .command('sim')
    .description('run a simulated fleet')
    .action(() => {
      console.log('sim placeholder');
    });
}
