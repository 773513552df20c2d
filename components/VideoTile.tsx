import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { Quality } from '../lib/media/connection-quality';
import { t } from '../lib/i18n/i18n';
import { type PixelSize, shownSize } from '../lib/media/uplink-budget';
import { QualityIndicator } from './QualityIndicator';

export interface VideoTileProps {
  stream: MediaStream | null;
  /** Shown instead of the picture: when the camera is off the last frame must not linger. */
  placeholder: string | null;
  name: string;
  testId: string;
  /** Which remote person this tile shows; tests and the grid key on it. */
  peerId?: string;
  micMuted?: boolean;
  speaking?: boolean;
  /** What they send is a shared screen: drawn whole (not cropped to the tile), and said so. */
  presenting?: boolean;
  /** Their connection to us (remote tiles only). */
  quality?: Quality | null;
  mirrored?: boolean;
  /** Reports the box the picture is drawn in (device pixels) whenever it changes. */
  onShownSize?: (size: PixelSize) => void;
  /** Their connection dropped this many seconds ago and is being repaired; null while it is up. */
  reconnectingForS?: number | null;
  /** Drawn over the picture: a raised hand, reactions. */
  children?: ComponentChildren;
}

/** One person's picture with their name, a muted badge and a ring while they speak. Always silent: voices play elsewhere. */
export function VideoTile({ stream, placeholder, name, testId, peerId, micMuted = false, speaking = false, presenting = false, quality = null, mirrored = false, onShownSize, reconnectingForS = null, children }: VideoTileProps) {
  const video = useRef<HTMLVideoElement>(null);
  const figure = useRef<HTMLElement>(null);
  useEffect(() => {
    if (video.current && video.current.srcObject !== stream) video.current.srcObject = stream;
  }, [stream]);
  const report = useRef(onShownSize);
  report.current = onShownSize;
  useEffect(() => {
    const box = figure.current;
    if (!box || !report.current) return;
    const observer = new ResizeObserver(([entry]) => {
      const size = entry && shownSize(entry.contentRect.width, entry.contentRect.height, window.devicePixelRatio);
      if (size) report.current?.(size);
    });
    observer.observe(box);
    return () => observer.disconnect();
  }, []);
  const reconnecting = reconnectingForS !== null;
  const label = [name, presenting && t('state.presenting'), micMuted && t('state.muted'), speaking && t('state.speaking'), reconnecting && t('state.reconnecting')]
    .filter(Boolean)
    .join(', ');

  return (
    <figure
      ref={figure}
      class={['tile', speaking && 'speaking', reconnecting && 'reconnecting', presenting && 'screen'].filter(Boolean).join(' ')}
      aria-label={label}
      data-peer={peerId}
      data-speaking={speaking}
      data-muted={micMuted}
      data-presenting={presenting}
      data-presence={reconnecting ? 'reconnecting' : undefined}
    >
      <video
        ref={video}
        data-testid={testId}
        class={mirrored ? 'mirrored' : undefined}
        autoplay
        playsInline
        muted
        hidden={placeholder !== null}
      />
      {placeholder !== null && (
        <div class="placeholder" data-testid={`${testId}-placeholder`}>
          {placeholder}
        </div>
      )}
      {reconnecting && (
        // The last frame stays, dimmed: a gap is not a goodbye.
        <div class="reconnecting-overlay" role="status" data-testid="tile-reconnecting">
          <span class="spinner" aria-hidden="true" />
          <span>{t('tile.reconnecting', { seconds: reconnectingForS })}</span>
        </div>
      )}
      {children}
      <QualityIndicator quality={quality} />
      <figcaption>
        <span class="name">{name}</span>
        {presenting && (
          <span class="badge presenting" data-testid="tile-presenting">
            {t('tile.presentingBadge')}
          </span>
        )}
        {micMuted && (
          <span class="badge" data-testid="tile-muted">
            {t('tile.mutedBadge')}
          </span>
        )}
      </figcaption>
    </figure>
  );
}
