import { useEffect, useRef } from 'preact/hooks';

export interface VideoTileProps {
  stream: MediaStream | null;
  /** Shown instead of the picture: when the camera is off the last frame must not linger. */
  placeholder: string | null;
  label: string;
  testId: string;
  /** Which remote person this tile shows; tests and the grid key on it. */
  peerId?: string;
  mirrored?: boolean;
  muted?: boolean;
}

export function VideoTile({ stream, placeholder, label, testId, peerId, mirrored = false, muted = false }: VideoTileProps) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (video.current && video.current.srcObject !== stream) video.current.srcObject = stream;
  }, [stream]);

  return (
    <figure class="tile" aria-label={label} data-peer={peerId}>
      <video
        ref={video}
        data-testid={testId}
        class={mirrored ? 'mirrored' : undefined}
        autoplay
        playsInline
        muted={muted}
        hidden={placeholder !== null}
      />
      {placeholder !== null && (
        <div class="placeholder" data-testid={`${testId}-placeholder`}>
          {placeholder}
        </div>
      )}
      <figcaption>{label}</figcaption>
    </figure>
  );
}
