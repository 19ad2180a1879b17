/**
 * One load from the server as a hook: `useLoad(() => listDocks(), [])` starts it when the page
 * opens (and again when `deps` change), and returns the state, `retry()` and `update()` for
 * local changes. Pair it with `<LoadError>` so a failed load shows what failed and a Retry
 * button, never an empty list.
 */
import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';
import { initialLoad, type LoadState, settleLoad, startLoad, updateLoaded } from './load-state.ts';

export interface Load<T> extends LoadState<T> {
  /** Runs the request again (the Retry button). */
  retry(): void;
  /** Changes the loaded data locally (after a save), without a request. */
  update(change: (data: T) => T): void;
}

export function useLoad<T>(request: () => Promise<T>, deps: DependencyList): Load<T> {
  const [state, setState] = useState<LoadState<T>>(initialLoad);
  const requestRef = useRef(request);
  requestRef.current = request;
  const genRef = useRef(0);
  const mounted = useRef(true);

  const run = useCallback(() => {
    const gen = ++genRef.current;
    setState((s) => ({ ...startLoad(s), gen }));
    requestRef
      .current()
      .then(
        (data) => ({ ok: true as const, data }),
        (error: unknown) => ({ ok: false as const, error }),
      )
      .then((answer) => {
        if (mounted.current) setState((s) => settleLoad(s, gen, answer));
      });
  }, []);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps decide when to load again
  useEffect(run, deps);

  const update = useCallback((change: (data: T) => T) => setState((s) => updateLoaded(s, change)), []);
  return { ...state, retry: run, update };
}
