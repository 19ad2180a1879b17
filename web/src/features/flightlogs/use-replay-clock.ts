/**
 * The replay's clock and globe: the time runs in a requestAnimationFrame loop that moves the
 * aircraft straight in Cesium (and on a test hook element); React sees the time about ten
 * times a second. The globe lives as long as the page; the path and markers are drawn once
 * both it and the data are there.
 */
import { type RefObject, useCallback, useEffect, useRef, useState } from 'react';
import { Globe } from '../../lib/globe/globe.ts';
import { ReplayLayer } from '../../lib/globe/replay-layer.ts';
import { markedOnPath, timelineColor } from './replay-colors.ts';
import { type ReplaySample, sampleAt } from './replay-track.ts';
import type { ReplayData } from './use-replay-data.ts';

export const SPEEDS = [1, 5, 20] as const;
export type Speed = (typeof SPEEDS)[number];
const UI_INTERVAL_MS = 100;
const HOME = { lat: 23.03, lon: 113.14, heightM: 6000 };

export function heightOf(s: Pick<ReplaySample, 'altAmslM' | 'altRelM'>): number {
  return s.altAmslM ?? s.altRelM ?? 0;
}

export function useReplayClock(opts: {
  globeEl: RefObject<HTMLDivElement | null>;
  /** The element whose data-* attributes carry the aircraft's place (for tests). */
  vehicleEl: RefObject<HTMLDivElement | null>;
  data: ReplayData | undefined;
}) {
  const { globeEl, vehicleEl, data } = opts;
  const [globeReady, setGlobeReady] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<Speed>(5);
  const [time, setTime] = useState(0);
  const layer = useRef<ReplayLayer | null>(null);
  const timeRef = useRef(0);
  const dataRef = useRef<ReplayData | undefined>(undefined);

  useEffect(() => {
    let globe: Globe | null = null;
    let cancelled = false;
    void Globe.create({ container: globeEl.current!, home: HOME }).then((g) => {
      if (cancelled) {
        g.destroy();
        return;
      }
      globe = g;
      layer.current = new ReplayLayer(g);
      setGlobeReady(true);
    });
    return () => {
      cancelled = true;
      layer.current?.destroy();
      layer.current = null;
      globe?.destroy();
    };
  }, [globeEl]);

  /** Puts the aircraft where it was at `ms`, in Cesium and on the test hook element. */
  const apply = useCallback(
    (ms: number) => {
      const d = dataRef.current;
      if (!d) return;
      const s = sampleAt(d.track, ms);
      layer.current?.setAircraft(
        s && { lonDeg: s.lonDeg, latDeg: s.latDeg, heightM: heightOf(s), headingDeg: s.headingDeg },
        s?.index ?? -1,
      );
      const el = vehicleEl.current;
      if (el && s) {
        el.dataset.lon = s.lonDeg.toFixed(7);
        el.dataset.lat = s.latDeg.toFixed(7);
        el.dataset.alt = (s.altRelM ?? s.altAmslM ?? 0).toFixed(2);
        el.dataset.heading = s.headingDeg.toFixed(1);
        el.dataset.atMs = String(Math.round(ms));
      }
    },
    [vehicleEl],
  );

  // New data: the clock goes to its start, the readout follows at once, globe or not.
  useEffect(() => {
    dataRef.current = data;
    if (!data) return;
    timeRef.current = data.span?.startMs ?? 0;
    setTime(timeRef.current);
    apply(timeRef.current);
  }, [data, apply]);

  useEffect(() => {
    if (!globeReady || !data || !layer.current) return;
    const { track, items } = data;
    layer.current.setPath(
      track.points.map((p) => ({ lonDeg: p.lonDeg, latDeg: p.latDeg, heightM: heightOf(p) })),
    );
    layer.current.setMarkers(
      items.filter(markedOnPath).flatMap((item) => {
        const s = sampleAt(track, item.atMs);
        return s
          ? [
              {
                id: item.id,
                lonDeg: s.lonDeg,
                latDeg: s.latDeg,
                heightM: heightOf(s),
                color: timelineColor(item),
              },
            ]
          : [];
      }),
    );
    layer.current.frame();
    apply(timeRef.current);
  }, [globeReady, data, apply]);

  const seek = useCallback(
    (ms: number) => {
      const span = dataRef.current?.span;
      if (!span) return;
      timeRef.current = Math.min(span.endMs, Math.max(span.startMs, ms));
      apply(timeRef.current);
      setTime(timeRef.current);
    },
    [apply],
  );

  useEffect(() => {
    if (!playing) return;
    let raf = 0;
    let last = performance.now();
    let lastUi = 0;
    const tick = (now: number) => {
      const span = dataRef.current?.span;
      if (!span) return;
      timeRef.current = Math.min(span.endMs, timeRef.current + (now - last) * speed);
      last = now;
      apply(timeRef.current);
      const atEnd = timeRef.current >= span.endMs;
      if (now - lastUi >= UI_INTERVAL_MS || atEnd) {
        lastUi = now;
        setTime(timeRef.current);
      }
      if (atEnd) setPlaying(false);
      else raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [playing, speed, apply]);

  const togglePlay = () => {
    const span = data?.span;
    if (!span) return;
    if (!playing && timeRef.current >= span.endMs) seek(span.startMs);
    setPlaying((p) => !p);
  };

  return { globeReady, playing, togglePlay, speed, setSpeed, time, seek };
}
