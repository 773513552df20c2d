import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { galleryLayout, oneToOneLayout, type StageSize, type TileRect } from '../lib/call/stage-layout';
import { t } from '../lib/i18n/i18n';

export interface StageProps {
  /** The other people's tiles, in order, each keyed by who it shows. */
  others: readonly { key: string; tile: ComponentChildren }[];
  self: ComponentChildren;
  /** Shown in place of the others while nobody else is here. */
  empty: ComponentChildren | null;
}

/**
 * The tiles, placed by stage-layout.ts to fill the space the window leaves: a gallery that
 * sizes every tile alike, or, with one other person, them large and us in a corner.
 */
export function Stage({ others, self, empty }: StageProps) {
  const box = useRef<HTMLElement>(null);
  const [size, setSize] = useState<StageSize>({ width: 0, height: 0 });
  useEffect(() => {
    const stage = box.current;
    if (!stage) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setSize({ width: entry.contentRect.width, height: entry.contentRect.height });
    });
    observer.observe(stage);
    return () => observer.disconnect();
  }, []);
  const first = empty !== null ? [{ key: 'empty', tile: empty }] : others;
  const oneToOne = first.length === 1 && empty === null;
  const rects: TileRect[] = oneToOne ? ((l) => [l.other, l.self])(oneToOneLayout(size)) : galleryLayout(size, first.length + 1);
  const placed = [...first, { key: 'self', tile: self }];
  return (
    <section ref={box} class={oneToOne ? 'stage one-to-one' : 'stage'} aria-label={t('call.stage')} data-layout={oneToOne ? 'one-to-one' : 'gallery'} data-tiles={placed.length} data-laid-out-for={`${Math.round(size.width)}x${Math.round(size.height)}`}>
      {placed.map(({ key, tile }, index) => {
        const rect = rects[index];
        return (
          <div
            key={key}
            class={key === 'self' && oneToOne ? 'slot self' : 'slot'}
            style={rect ? { left: `${rect.x}px`, top: `${rect.y}px`, width: `${rect.width}px`, height: `${rect.height}px` } : { display: 'none' }}
          >
            {tile}
          </div>
        );
      })}
    </section>
  );
}
