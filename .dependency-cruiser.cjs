// Layer rules, checked on every build (scripts/lint.mjs), as an allow-list:
// an import is an error unless a rule below allows it.
//
//   sim  <-  analysis core  <-  LSP adapter / CLI / simulation and index workers  <-  client
//
// The LSP adapter, the CLI, the worker and the benches reach the core through
// its public API (server/src/core/index.ts) only. Everything that crosses a
// process or bundle boundary (custom LSP requests, webview messages, the
// simulation result) lives in server/src/contracts, its own TypeScript project
// with neither DOM nor vscode types.
const NODE = { dependencyTypes: ['core'] };
// An npm package by name (resolved into node_modules, or left as the bare name when its exports map hides the file).
const npm = (...names) => ({ path: `(^|/)node_modules/(${names.join('|')})/|^(${names.join('|')})$`, dependencyTypesNot: ['core'] });

module.exports = {
  allowedSeverity: 'error',
  allowed: [
    // sim/: knows nothing of C, LSP or VS Code.
    { from: { path: '^sim/src/' }, to: { path: '^sim/src/' } },
    { from: { path: '^sim/src/' }, to: NODE },

    // The analysis core: sim/ below it, tree-sitter and the diff library.
    { from: { path: '^server/src/core/' }, to: { path: '^(server/src/core|sim/src)/' } },
    { from: { path: '^server/src/core/' }, to: npm('web-tree-sitter', 'diff') },
    { from: { path: '^server/src/core/' }, to: NODE },

    // Contracts: plain types and validators, the simulation result, the LSP request types.
    { from: { path: '^server/src/contracts/' }, to: { path: '^server/src/contracts/|^sim/src/types\\.ts$' } },
    { from: { path: '^server/src/contracts/' }, to: npm('vscode-languageserver-protocol', 'vscode-jsonrpc') },

    // The LSP adapter: the core's API, the contracts, the worker's messages.
    {
      from: { path: '^server/src/lsp/' },
      to: {
        path: '^server/src/lsp/|^server/src/core/index\\.ts$|^server/src/contracts/|^server/src/(simWorker|indexWorker)/messages\\.ts$',
      },
    },
    {
      from: { path: '^server/src/lsp/' },
      to: npm('vscode-languageserver', 'vscode-languageserver-protocol', 'vscode-languageserver-textdocument', 'vscode-jsonrpc'),
    },
    { from: { path: '^server/src/lsp/' }, to: NODE },

    // The simulation worker: the core's API (which re-exports the explorer).
    { from: { path: '^server/src/simWorker/' }, to: { path: '^server/src/simWorker/|^server/src/core/index\\.ts$' } },
    { from: { path: '^server/src/simWorker/' }, to: NODE },

    // The index worker: the core's API (it reads and analyses the workspace's files).
    { from: { path: '^server/src/indexWorker/' }, to: { path: '^server/src/indexWorker/|^server/src/core/index\\.ts$' } },
    { from: { path: '^server/src/indexWorker/' }, to: NODE },

    // The CLI: the core's API; `xsr lsp` starts the server through its entry only (the LSP adapter never imports the CLI).
    { from: { path: '^server/src/cli/' }, to: { path: '^server/src/cli/|^server/src/core/index\\.ts$|^server/src/lsp/server\\.ts$' } },
    { from: { path: '^server/src/cli/' }, to: npm('diff') },
    { from: { path: '^server/src/cli/' }, to: NODE },

    // The VS Code extension: the contracts and the editor's APIs, never the server's code.
    { from: { path: '^client/src/' }, to: { path: '^client/src/|^server/src/contracts/' } },
    { from: { path: '^client/src/' }, to: npm('vscode-languageclient') },
    { from: { path: '^client/src/' }, to: npm('vscode', '@types/vscode') },
    { from: { path: '^client/src/' }, to: NODE },

    // The webview bundle: its own code, the webview contracts and the simulation result, the UI components.
    { from: { path: '^client/webview/' }, to: { path: '^client/webview/|^server/src/contracts/(webview/|simResult\\.ts$)' } },
    { from: { path: '^client/webview/' }, to: npm('@vscode-elements') },

    // Tests: each suite sees the layer it tests (the core's tests its internals too).
    // test/shared reads fixture text for the suites that check analysis results
    // against fixture files (fixture markers, patch post-images): no project code.
    { from: { path: '^test/core/' }, to: { path: '^test/core/|^test/shared/|^server/src/core/|^sim/src/' } },
    {
      from: { path: '^test/lsp/' },
      to: { path: '^test/lsp/|^test/shared/|^server/src/lsp/server\\.ts$|^server/src/core/index\\.ts$|^server/src/contracts/' },
    },
    { from: { path: '^test/sim/' }, to: { path: '^test/sim/|^test/shared/rng\\.ts$|^sim/src/' } },
    {
      from: { path: '^test/webview/' },
      to: {
        path: '^test/webview/|^client/webview/|^client/src/(replay/(shell|stepLookup|provenance)|statusText|patchSummary)\\.[jt]s$|^server/src/contracts/',
      },
    },
    {
      from: { path: '^test/bench/' },
      to: {
        path: '^test/bench/|^test/sim/spinRunner\\.ts$|^test/shared/worstCases\\.ts$|^server/src/core/index\\.ts$|^server/src/lsp/server\\.ts$|^sim/src/index\\.ts$',
      },
    },
    { from: { path: '^test/' }, to: { path: '(^|/)node_modules/' } },
    { from: { path: '^test/' }, to: NODE },
  ],
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other cannot be read, tested or moved one at a time.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.base.json' },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    exclude: { path: '^out/|^dist/|^test/bench/corpus/|^test/fixtures/|^test/e2e/' },
  },
};
