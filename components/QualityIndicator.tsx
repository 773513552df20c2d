import type { Quality } from '../lib/media/connection-quality';
import { t } from '../lib/i18n/i18n';

const bars = { good: 3, fair: 2, poor: 1, unknown: 0 } as const;

const shown = (value: number | null, unit: 'unit.ms' | 'unit.percent' | 'unit.kbps') => (value === null ? '–' : t(unit, { value }));

/** Signal bars on a tile; opening them shows the figures they come from. */
export function QualityIndicator({ quality }: { quality: Quality | null }) {
  if (!quality) return null;
  const resolution = `${quality.width}×${quality.height}`;
  const video = quality.width !== null && quality.height !== null ? (quality.fps === null ? resolution : t('quality.videoFps', { resolution, fps: Math.round(quality.fps) })) : '–';
  const level = t(`quality.level.${quality.level}`);
  return (
    <details class="quality" data-level={quality.level} data-testid="quality">
      <summary aria-label={t('quality.summary', { level })} title={t('quality.title', { level })}>
        <span class="bars" aria-hidden="true">
          {[1, 2, 3].map((n) => (
            <i key={n} class={n <= bars[quality.level] ? 'on' : undefined} />
          ))}
        </span>
      </summary>
      <dl>
        <dt>{t('quality.rtt')}</dt>
        <dd data-testid="quality-rtt">{shown(quality.rttMs, 'unit.ms')}</dd>
        <dt>{t('quality.loss')}</dt>
        <dd data-testid="quality-loss">{shown(quality.lossPct, 'unit.percent')}</dd>
        <dt>{t('quality.receiving')}</dt>
        <dd data-testid="quality-bitrate">{shown(quality.kbps, 'unit.kbps')}</dd>
        <dt>{t('quality.video')}</dt>
        <dd data-testid="quality-video">{video}</dd>
      </dl>
    </details>
  );
}
