import { Maximize, Pin, PinOff } from 'lucide-preact';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { focusLayout, galleryLayout, oneToOneLayout, type StageSize, type TileRect } from '../lib/call/stage-layout';
import { t } from '../lib/i18n/i18n';
import { stageMode } from '../lib/call/stage-mode';

export interface StageProps {
  /** The other people's tiles, in order, each keyed by their peer ID, with the name for its buttons. */
  others: readonly { key: string; name: string; tile: ComponentChildren }[];
  self: ComponentChildren;
  /** Shown in place of the others while nobody else is here. */
  empty: ComponentChildren | null;
  /** Whom we pinned; null when nobody is. */
  pinned: string | null;
  /** Who presents a shared screen (presenterOf); null when nobody shares. */
  presenter: string | null;
  /** In speaker view, whoever speaks; null in the gallery. */
  speaker: string | null;
  onPin(peerId: string | null): void;
}

/**
 * The tiles, placed by stage-layout.ts to fill the space the window leaves: a gallery that
 * sizes every tile alike; with one other person, them large and us in a corner; or one
 * person large (pinned, presenting a screen, or speaking in speaker view) and everyone
 * else, us included, in a strip. Which of these, stage-mode.ts decides.
 */
export function Stage({ others, self, empty, pinned, presenter, speaker, onPin }: StageProps) {
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
  const { layout, large } = stageMode({ others: empty !== null ? [] : others.map((o) => o.key), pinned, presenter, speaker });
  const focused = large === null ? undefined : others.find((o) => o.key === large);
  // With someone large, they come first, then everyone else and us in the strip.
  const placed = [...(focused ? [focused, ...first.filter((o) => o !== focused)] : first), { key: 'self', name: '', tile: self }];
  const rects: TileRect[] =
    layout === 'focus' || layout === 'presenter'
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
            class={[key === 'self' && layout === 'one-to-one' && 'self', 'slot', focused?.key === key && 'focused', layout === 'presenter' && focused?.key === key && 'presenting']
              .filter(Boolean)
              .join(' ')}
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
