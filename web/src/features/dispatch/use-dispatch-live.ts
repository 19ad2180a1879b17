/**
 * The board's live half: dock statuses (first asked of the server, then from `dock.status`)
 * and sortie phases from `sortie.progress`, merged into the loaded sorties.
 */
import type { ConsoleDockStatus } from '@aerie/contracts';
import { useEffect, useMemo, useState } from 'react';
import { onConsole } from '../../live/console-socket.ts';
import { applyProgress, type BoardSortie, type SortieProgressEvent } from './board-model.ts';
import { type DockLive, dockStatuses } from './dispatch-api.ts';

/** Loaded rows merged with progress seen on the socket: a phase seen live is newer than the list's. */
export function mergeRows(live: readonly BoardSortie[], rows: readonly BoardSortie[]): BoardSortie[] {
  const seen = new Map(live.map((s) => [s.id, s]));
  const out = rows.map((r) => {
    const l = seen.get(r.id);
    return l
      ? {
          ...r,
          phase: l.phase,
          message: l.message,
          failureCode: l.failureCode ?? r.failureCode,
          failureMessage: l.failureMessage ?? r.failureMessage,
          failureParams: l.failureCode ? l.failureParams : r.failureParams,
        }
      : r;
  });
  for (const s of live) if (!rows.some((r) => r.id === s.id)) out.push(s);
  return out;
}

export function useDispatchLive(
  dockIds: readonly string[] | undefined,
  rows: readonly BoardSortie[] | undefined,
) {
  const [docks, setDocks] = useState<Record<string, DockLive>>({});
  const [progress, setProgress] = useState<BoardSortie[]>([]);

  const key = dockIds?.join(',') ?? '';
  // biome-ignore lint/correctness/useExhaustiveDependencies: asked again only when the dock list changes
  useEffect(() => {
    if (!dockIds?.length) return;
    let gone = false;
    void dockStatuses(dockIds).then((statuses) => {
      if (gone) return;
      setDocks((cur) => {
        const out = { ...cur };
        for (const s of statuses) if (!out[s.dockId]) out[s.dockId] = s;
        return out;
      });
    });
    return () => {
      gone = true;
    };
  }, [key]);

  useEffect(() => {
    const handlers: (() => void)[] = [];
    const off = onConsole((s) => {
      const onDock = (items: ConsoleDockStatus[]) =>
        setDocks((cur) => {
          const out = { ...cur };
          for (const d of items) out[d.dockId] = d as DockLive;
          return out;
        });
      const onProgress = (p: SortieProgressEvent) => setProgress((cur) => applyProgress(cur, p));
      s.on('dock.status', onDock);
      s.on('sortie.progress', onProgress);
      handlers.push(() => {
        s.off('dock.status', onDock);
        s.off('sortie.progress', onProgress);
      });
    });
    return () => {
      off();
      for (const h of handlers) h();
    };
  }, []);

  const sorties = useMemo(() => mergeRows(progress, rows ?? []), [progress, rows]);
  return { docks, sorties };
}
