export * from './browser.ts';
export * from './harness.ts';
