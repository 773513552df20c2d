import { Maximize, Pin, PinOff } from 'lucide-preact';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { focusLayout, galleryLayout, oneToOneLayout, type StageSize, type TileRect } from '../lib/call/stage-layout';
import { t } from '../lib/i18n/i18n';

export interface StageProps {
  /** The other people's tiles, in order, each keyed by their peer ID, with the name for its buttons. */
  others: readonly { key: string; name: string; tile: ComponentChildren }[];
  self: ComponentChildren;
  /** Shown in place of the others while nobody else is here. */
  empty: ComponentChildren | null;
  /** The person shown large (pinned, or the speaker in speaker view); null for the gallery. */
  focus: string | null;
  pinned: string | null;
  onPin(peerId: string | null): void;
}

export type StageLayoutName = 'gallery' | 'one-to-one' | 'focus';

/**
 * The tiles, placed by stage-layout.ts to fill the space the window leaves: a gallery that
 * sizes every tile alike; with one other person, them large and us in a corner; or one
 * person large (pinned, or speaking in speaker view) and everyone else in a strip.
 */
export function Stage({ others, self, empty, focus, pinned, onPin }: StageProps) {
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
  const first = empty !== null ? [{ key: 'empty', name: '', tile: empty }] : others;
  const focused = empty === null && others.length > 1 ? others.find((o) => o.key === focus) : undefined;
  const layout: StageLayoutName = focused ? 'focus' : first.length === 1 && empty === null ? 'one-to-one' : 'gallery';
  // In the focus layout the focused person comes first, then everyone else and us in the strip.
  const placed = [...(focused ? [focused, ...first.filter((o) => o !== focused)] : first), { key: 'self', name: '', tile: self }];
  const rects: TileRect[] =
    layout === 'focus'
      ? ((l) => [l.focus, ...l.strip])(focusLayout(size, placed.length - 1))
      : layout === 'one-to-one'
        ? ((l) => [l.other, l.self])(oneToOneLayout(size))
        : galleryLayout(size, placed.length);
  return (
    <section
      ref={box}
      class={`stage ${layout}`}
      aria-label={t('call.stage')}
      data-layout={layout}
      data-tiles={placed.length}
      data-laid-out-for={`${Math.round(size.width)}x${Math.round(size.height)}`}
    >
      {placed.map(({ key, name, tile }, index) => {
        const rect = rects[index];
        const person = key !== 'self' && key !== 'empty';
        return (
          <div
            key={key}
            class={[key === 'self' && layout === 'one-to-one' && 'self', 'slot', focused?.key === key && 'focused'].filter(Boolean).join(' ')}
            data-slot={key}
            style={rect ? { left: `${rect.x}px`, top: `${rect.y}px`, width: `${rect.width}px`, height: `${rect.height}px` } : { display: 'none' }}
          >
            {tile}
            {person && (
              <div class="tile-actions">
                <button
                  type="button"
                  data-action="pin"
                  aria-pressed={pinned === key}
                  aria-label={pinned === key ? t('stage.unpin', { name }) : t('stage.pin', { name })}
                  title={pinned === key ? t('stage.unpin', { name }) : t('stage.pin', { name })}
                  onClick={() => onPin(pinned === key ? null : key)}
                >
                  {pinned === key ? <PinOff size={16} aria-hidden="true" /> : <Pin size={16} aria-hidden="true" />}
                </button>
                <button
                  type="button"
                  data-action="fullscreen"
                  aria-label={t('stage.fullscreen', { name })}
                  title={t('stage.fullscreen', { name })}
                  onClick={(event) => void (event.currentTarget.closest('.slot') as HTMLElement | null)?.requestFullscreen().catch(() => undefined)}
                >
                  <Maximize size={16} aria-hidden="true" />
                </button>
              </div>
            )}
          </div>
        );
      })}
    </section>
  );
}
