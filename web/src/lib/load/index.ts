export { LoadError, type LoadErrorProps } from './load-error.tsx';
export * from './load-state.ts';
export { type Load, useLoad } from './use-load.ts';
