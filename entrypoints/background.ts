import { defineBackground } from 'wxt/utils/define-background';
import { forwardShortcuts, showCallStatusOnToolbar } from '../lib/extension/call-remote-client';
import { showWelcomeOnInstall } from '../lib/extension/welcome-tab';

// No WebRTC here: the call lives in its tab. The worker may be stopped whenever it is
// idle, so it keeps nothing: the badge follows the status the call tab stores.
export default defineBackground(() => {
  showCallStatusOnToolbar();
  forwardShortcuts();
  showWelcomeOnInstall();
});
