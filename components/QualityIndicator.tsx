import type { Quality } from '../lib/connection-quality';

const words = { good: 'good', fair: 'fair', poor: 'poor', unknown: 'not measured yet' } as const;
const bars = { good: 3, fair: 2, poor: 1, unknown: 0 } as const;

const shown = (value: number | null, unit: string) => (value === null ? '–' : `${value} ${unit}`);

/** Signal bars on a tile; opening them shows the figures they come from. */
export function QualityIndicator({ quality }: { quality: Quality | null }) {
  if (!quality) return null;
  const video = quality.width !== null && quality.height !== null ? `${quality.width}×${quality.height}${quality.fps === null ? '' : ` at ${Math.round(quality.fps)} fps`}` : '–';
  return (
    <details class="quality" data-level={quality.level} data-testid="quality">
      <summary aria-label={`Connection ${words[quality.level]}; show details`} title={`Connection ${words[quality.level]}`}>
        <span class="bars" aria-hidden="true">
          {[1, 2, 3].map((n) => (
            <i key={n} class={n <= bars[quality.level] ? 'on' : undefined} />
          ))}
        </span>
      </summary>
      <dl>
        <dt>Round trip</dt>
        <dd data-testid="quality-rtt">{shown(quality.rttMs, 'ms')}</dd>
        <dt>Packet loss</dt>
        <dd data-testid="quality-loss">{shown(quality.lossPct, '%')}</dd>
        <dt>Receiving</dt>
        <dd data-testid="quality-bitrate">{shown(quality.kbps, 'kbit/s')}</dd>
        <dt>Video</dt>
        <dd data-testid="quality-video">{video}</dd>
      </dl>
    </details>
  );
}
