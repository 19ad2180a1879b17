#!/usr/bin/env node
// Entry point of `npx aerie`. Registers tsx so the workspace packages run from their TypeScript
// sources (no build step), then hands over to the command dispatcher.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv);
