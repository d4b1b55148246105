// Entry of the race-replay webview bundle (dist/webview.js). The page is plain
// HTML (native tables, buttons, checkboxes: accessible as they are); only the
// progress ring comes from @vscode-elements/elements.
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';

import { ReplayApp } from './app';
import { getVsCodeApi } from './vscodeApi';

const root = document.getElementById('app');
if (root) new ReplayApp(root, getVsCodeApi()).start();
