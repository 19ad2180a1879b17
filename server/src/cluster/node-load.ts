/**
 * How busy this node's event loop has been, for `/api/health` (`node.load`) and for the operator
 * deciding whether a deployment needs another node: every bridge batch, live state, console
 * frame and HTTP request of a node waits for the same loop, so how late a 10 ms timer fires is how
 * long any of them may have waited on top of its own work.
 *
 * Each second becomes a slice: the timer's lateness (a histogram, so windows merge exactly), the
 * share of the second the loop was busy, and the garbage collector's pauses in it. A report
 * merges the last 10 and the last 60 slices (fewer just after start).
 */
import {
  createHistogram,
  type EventLoopUtilization,
  PerformanceObserver,
  performance,
  type RecordableHistogram,
} from 'node:perf_hooks';

/** One window of the report. Times in milliseconds, rounded to 0.1 ms. */
export interface LoadWindow {
  /** The seconds this window covers (10 or 60; fewer while the node has not run that long). */
  seconds: number;
  /** How late the 10 ms timer fired: the median, the 99th percentile and the worst. */
  delayP50Ms: number;
  delayP99Ms: number;
  delayMaxMs: number;
  /** The share of the time the loop was running code, 0..1. */
  utilization: number;
  /** Garbage-collection pauses: how many, their sum and the longest (each holds the loop). */
  gcPauses: number;
  gcPauseMs: number;
  gcPauseMaxMs: number;
}

/** One second of measurements. */
export interface LoadSlice {
  /** Timer lateness in microseconds. */
  delay: RecordableHistogram;
  /** Milliseconds of the slice the loop was busy, and idle. */
  activeMs: number;
  idleMs: number;
  gcPauses: number;
  gcPauseMs: number;
  gcPauseMaxMs: number;
}

export interface NodeLoad {
  /** The windows of the last 10 and 60 seconds; empty before the first second ends. */
  report(): LoadWindow[];
  stop(): void;
}

export interface NodeLoadOptions {
  /** The timer whose lateness is measured (default 10 ms). */
  sampleMs?: number;
  /** One slice (default 1000 ms; tests shorten it). */
  sliceMs?: number;
  /** The windows, in slices (default 10 and 60). */
  windows?: readonly number[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Merges the newest `n` slices of `slices` (oldest first) into a window; null when there are none. */
export function mergeSlices(slices: readonly LoadSlice[], n: number): LoadWindow | null {
  const chosen = slices.slice(-n);
  if (chosen.length === 0) return null;
  const delay = createHistogram();
  let activeMs = 0;
  let idleMs = 0;
  let gcPauses = 0;
  let gcPauseMs = 0;
  let gcPauseMaxMs = 0;
  for (const s of chosen) {
    delay.add(s.delay);
    activeMs += s.activeMs;
    idleMs += s.idleMs;
    gcPauses += s.gcPauses;
    gcPauseMs += s.gcPauseMs;
    gcPauseMaxMs = Math.max(gcPauseMaxMs, s.gcPauseMaxMs);
  }
  const ms = (us: number) => (delay.count === 0 ? 0 : round1(us / 1000));
  return {
    seconds: chosen.length,
    delayP50Ms: ms(delay.percentile(50)),
    delayP99Ms: ms(delay.percentile(99)),
    delayMaxMs: ms(delay.max),
    utilization: activeMs + idleMs > 0 ? Math.round((activeMs / (activeMs + idleMs)) * 1000) / 1000 : 0,
    gcPauses,
    gcPauseMs: round1(gcPauseMs),
    gcPauseMaxMs: round1(gcPauseMaxMs),
  };
}

/** Starts measuring this process's event loop; `stop` ends it (the timers do not hold the process open). */
export function startNodeLoad(opts: NodeLoadOptions = {}): NodeLoad {
  const sampleMs = opts.sampleMs ?? 10;
  const sliceMs = opts.sliceMs ?? 1000;
  const windows = opts.windows ?? [10, 60];
  const keep = Math.max(...windows);
  const slices: LoadSlice[] = [];

  const fresh = (): LoadSlice => ({
    delay: createHistogram(),
    activeMs: 0,
    idleMs: 0,
    gcPauses: 0,
    gcPauseMs: 0,
    gcPauseMaxMs: 0,
  });
  let current = fresh();

  let last = performance.now();
  const sampler = setInterval(() => {
    const now = performance.now();
    const lateUs = Math.round((now - last - sampleMs) * 1000);
    last = now;
    // A histogram records integers from 1: on time is 1 µs late.
    current.delay.record(Math.max(1, lateUs));
  }, sampleMs);
  sampler.unref();

  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      current.gcPauses++;
      current.gcPauseMs += e.duration;
      current.gcPauseMaxMs = Math.max(current.gcPauseMaxMs, e.duration);
    }
  });
  gc.observe({ entryTypes: ['gc'] });

  let elu: EventLoopUtilization = performance.eventLoopUtilization();
  const slicer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const d = performance.eventLoopUtilization(now, elu);
    elu = now;
    current.activeMs = d.active;
    current.idleMs = d.idle;
    slices.push(current);
    if (slices.length > keep) slices.shift();
    current = fresh();
  }, sliceMs);
  slicer.unref();

  return {
    report: () => windows.map((n) => mergeSlices(slices, n)).filter((w): w is LoadWindow => w !== null),
    stop: () => {
      clearInterval(sampler);
      clearInterval(slicer);
      gc.disconnect();
    },
  };
}
