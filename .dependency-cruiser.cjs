// Layer rules, checked on every build (scripts/check-layers.mjs):
//   sim  <-  analysis core  <-  LSP adapter / CLI  <-  client
module.exports = {
  forbidden: [
    { name: 'sim-is-pure', severity: 'error',
      comment: 'sim/ knows nothing of C, the analysis core, LSP or VS Code.',
      from: { path: '^sim/' }, to: { path: '^(server|client)/|vscode' } },
    { name: 'core-has-no-editor', severity: 'error',
      comment: 'The analysis core imports neither vscode nor vscode-languageserver*, nor the LSP adapter, CLI or client.',
      from: { path: '^server/src/core/' },
      to: { path: '^server/src/(lsp|cli|protocol|sim)/|^client/|(^|/)node_modules/vscode|^vscode' } },
    { name: 'server-not-client', severity: 'error',
      comment: 'The server never imports the client.',
      from: { path: '^server/' }, to: { path: '^client/|^vscode$' } },
    { name: 'webview-is-browser-only', severity: 'error',
      comment: 'The webview bundle only sees sim types and its own code.',
      from: { path: '^client/webview/' }, to: { path: '^server/src/(core|lsp|cli)/|^vscode$' } },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.base.json' },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    exclude: { path: '^out/|^dist/' },
  },
};
