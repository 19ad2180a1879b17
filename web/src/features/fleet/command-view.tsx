import { useEffect, useRef } from 'react';
import { Globe } from '../../lib/globe/globe.ts';

export default function CommandView() {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let globe: Globe | null = null;
    let cancelled = false;
    void Globe.create({ container: el.current!, home: { lat: 23.03, lon: 113.15, heightM: 8000 } }).then(
      (g) => {
        if (cancelled) g.destroy();
        else globe = g;
      },
    );
    return () => {
      cancelled = true;
      globe?.destroy();
    };
  }, []);
  return <div ref={el} style={{ position: 'absolute', inset: 0 }} data-testid="globe" />;
}
