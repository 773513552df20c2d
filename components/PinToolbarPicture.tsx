import { t } from '../lib/i18n/i18n';

export interface PinToolbarPictureProps {
  browser: 'chromium' | 'firefox';
  /** The toolbar icon, drawn in the list of extensions. */
  iconUrl: string;
}

/**
 * A drawing of the toolbar with the extensions menu open: (1) the puzzle piece, (2) the pin
 * beside PeerCall (in Firefox, the gear that holds Pin to Toolbar). A drawing rather than a
 * screenshot: it has no words to translate, follows dark mode, and fits both browsers.
 */
export function PinToolbarPicture({ browser, iconUrl }: PinToolbarPictureProps) {
  return (
    <svg class="pin-picture" viewBox="0 0 560 230" role="img" aria-labelledby="pin-picture-title" data-testid="pin-picture" data-browser={browser}>
      <title id="pin-picture-title">{t('welcome.pinPicture')}</title>
      <rect class="window" x="4" y="4" width="552" height="222" rx="12" />
      <rect class="field" x="20" y="22" width="380" height="30" rx="15" />
      <rect class="faint" x="44" y="34" width="160" height="6" rx="3" />
      <g class="glyph">
        <rect x="431" y="30" width="16" height="16" rx="2" />
        <circle cx="439" cy="29" r="3.5" />
        <circle cx="448" cy="38" r="3.5" />
      </g>
      <circle class="glyph" cx="506" cy="37" r="9" />
      <circle class="ring" cx="440" cy="37" r="18" />
      <Step n={1} x={458} y={18} />

      <rect class="panel" x="250" y="64" width="290" height="148" rx="10" />
      <rect class="faint" x="268" y="80" width="90" height="8" rx="4" />
      <image href={iconUrl} x="268" y="102" width="32" height="32" />
      <text class="label" x="312" y="124">
        PeerCall
      </text>
      {browser === 'firefox' ? (
        <g class="glyph">
          <circle cx="500" cy="118" r="7" class="gear-teeth" />
          <circle cx="500" cy="118" r="3.5" />
        </g>
      ) : (
        <g class="glyph" transform="translate(500 118) rotate(40)">
          <rect x="-5" y="-11" width="10" height="9" rx="2" />
          <rect x="-8" y="-3" width="16" height="3" rx="1.5" />
          <rect x="-1" y="0" width="2" height="10" rx="1" />
        </g>
      )}
      <circle class="ring" cx="500" cy="118" r="17" />
      <Step n={2} x={517} y={100} />
      <rect class="faint" x="268" y="156" width="32" height="32" rx="6" />
      <rect class="faint" x="312" y="168" width="120" height="8" rx="4" />
    </svg>
  );
}

function Step({ n, x, y }: { n: number; x: number; y: number }) {
  return (
    <g class="step">
      <circle cx={x} cy={y} r="10" />
      <text x={x} y={y + 4.5} text-anchor="middle">
        {n}
      </text>
    </g>
  );
}
