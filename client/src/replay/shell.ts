// The HTML shell of the race-replay webview. Pure string building (no vscode, no
// DOM), so the extension and the Playwright tests serve the same page under the
// same Content Security Policy.

export interface ShellOptions {
  /** `webview.cspSource`: the origin the webview loads its resources from. */
  cspSource: string;
  /** A fresh random nonce (base64) for the one script. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  title: string;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export function replayShell(o: ShellOptions): string {
  // Styles come only from our stylesheet and the components' constructed style
  // sheets; scripts only with the nonce; nothing else is allowed.
  const csp = [
    "default-src 'none'",
    `style-src ${o.cspSource}`,
    `font-src ${o.cspSource}`,
    `img-src ${o.cspSource} data:`,
    `script-src 'nonce-${o.nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(o.styleUri)}">
<title>${escapeHtml(o.title)}</title>
</head>
<body>
<div id="app" class="app"><p class="placeholder">Loading the race replay…</p></div>
<script nonce="${escapeHtml(o.nonce)}" src="${escapeHtml(o.scriptUri)}"></script>
</body>
</html>`;
}
