export * from './browser.ts';
export * from './cli.ts';
export * from './frames.ts';
export * from './harness.ts';
export * from './redis.ts';
export * from './rtp-viewer.ts';
