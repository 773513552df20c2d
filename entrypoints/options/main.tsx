import { render } from 'preact';
import { Options } from '../../components/Options';
import { checkServerHealth } from '../../lib/server-health';
import { loadSettings, saveSettings } from '../../lib/settings-storage';
import '../../components/style.css';

const initial = await loadSettings();
render(<Options initial={initial} onSave={saveSettings} onTest={checkServerHealth} />, document.getElementById('app')!);
