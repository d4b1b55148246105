// Entry of the race-replay webview bundle (dist/webview.js). The components come
// from @vscode-elements/elements; only the ones used are imported.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';

import { ReplayApp } from './app';
import { getVsCodeApi } from './vscodeApi';

const root = document.getElementById('app');
if (root) new ReplayApp(root, getVsCodeApi()).start();
