// The API VS Code injects into a webview, typed to our messages and state.
import type { FromWebview, PersistedState } from '../../server/src/contracts/webview/messages';

export interface WebviewApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: PersistedState): void;
}

declare function acquireVsCodeApi(): WebviewApi;

export function getVsCodeApi(): WebviewApi {
  return acquireVsCodeApi();
}
