export * from './browser.ts';
export * from './cli.ts';
export * from './harness.ts';
