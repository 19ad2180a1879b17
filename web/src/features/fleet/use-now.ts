import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { agoParts } from './fleet-list.ts';

/** The time, refreshed every `everyMs` (for "last heard 12 s ago"). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

/** "12 s ago" in the user's language. */
export function useAgo(): (fromMs: number, nowMs: number) => string {
  const { t } = useTranslation();
  return (fromMs, nowMs) => {
    const a = agoParts(fromMs, nowMs);
    return t(`fleet.ago.${a.unit}`, { n: a.n });
  };
}
