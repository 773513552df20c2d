import type { ControlAction } from '../lib/extension/call-remote';
import { t } from '../lib/i18n/i18n';
import type { RunningCallView } from '../lib/extension/popup-view';

export interface RunningCallProps {
  view: RunningCallView;
  onControl(action: ControlAction): void;
}

/** The call running in the call tab, with the controls that matter from anywhere. */
export function RunningCall({ view, onControl }: RunningCallProps) {
  return (
    <section class="running-call" aria-label={t('running.label')} data-testid="running-call" data-phase={view.phase}>
      <p class="summary">
        <span data-testid="running-phase">{view.phaseLabel}</span>
        {view.elapsed !== null && (
          <time data-testid="running-elapsed" aria-label={t('running.duration')}>
            {view.elapsed}
          </time>
        )}
      </p>
      <p data-testid="running-participants" data-count={view.participants}>
        {view.participantsLabel}
      </p>
      <div class="row">
        <button type="button" data-action="mute" aria-pressed={view.micMuted} onClick={() => onControl('toggle-mute')}>
          {view.muteLabel}
        </button>
        <button type="button" data-action="camera" aria-pressed={view.cameraOff} onClick={() => onControl('toggle-camera')}>
          {view.cameraLabel}
        </button>
      </div>
      <div class="row">
        <button type="button" class="primary" data-action="go-to-call" onClick={() => onControl('focus')}>
          {t('running.goToCall')}
        </button>
        <button type="button" class="danger" data-action="hang-up" onClick={() => onControl('hang-up')}>
          {t('running.hangUp')}
        </button>
      </div>
    </section>
  );
}
