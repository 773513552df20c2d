import { render } from 'preact';
import { browser } from 'wxt/browser';
import { Welcome } from '../../components/Welcome';
import { launchCall } from '../../lib/extension/call-launch';
import { assignedShortcuts } from '../../lib/extension/call-remote';
import { signalingUrlItem } from '../../lib/extension/settings-storage';
import { localizeDocument } from '../../lib/i18n/i18n';
import '../../components/style.css';

localizeDocument(document, 'page.welcome');
const root = document.getElementById('app')!;
const shortcuts = assignedShortcuts(await browser.commands.getAll());

const show = (signalingUrl: string) =>
  render(
    <Welcome
      browser={import.meta.env.FIREFOX ? 'firefox' : 'chromium'}
      iconUrl={browser.runtime.getURL('/icon/48.png')}
      signalingUrl={signalingUrl}
      shortcuts={shortcuts}
      onStart={() => launchCall({ role: 'host' })}
      onOpenSettings={() => void browser.runtime.openOptionsPage()}
    />,
    root,
  );

show(await signalingUrlItem.getValue());
// Changed in Settings while this page is open: show the new address.
signalingUrlItem.watch(show);
