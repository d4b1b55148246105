// A stand-in for `xsr lsp --stdio` used only by `node test/e2e/run.mjs --mock-server`:
// canned answers for old_migrate.c, so the client, the replay panel and the runner
// can be checked end to end before (or apart from) the real language server.
// It proves nothing about the server; runs without --mock-server use the real one.
'use strict';
const {
  createConnection,
  TextDocuments,
  ProposedFeatures,
  TextDocumentSyncKind,
  DiagnosticSeverity,
  InlayHintKind,
  CodeActionKind,
} = require('vscode-languageserver/node');
const { TextDocument } = require('vscode-languageserver-textdocument');
const conn = createConnection(ProposedFeatures.all);
const docs = new TextDocuments(TextDocument);
const findLine = (doc, re) =>
  doc
    .getText()
    .split('\n')
    .findIndex((l) => re.test(l));
conn.onInitialize(() => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    inlayHintProvider: true,
    hoverProvider: true,
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, 'source.fixAll.xsr'] },
    codeLensProvider: { resolveProvider: false },
  },
}));
function diags(doc) {
  const l = findLine(doc, /set_bit\(_VPF_migrating, &v->pause_flags\)/);
  return l < 0
    ? []
    : [
        {
          range: { start: { line: l, character: 8 }, end: { line: l, character: 49 } },
          code: 'XSR001',
          source: 'xsr',
          severity: DiagnosticSeverity.Error,
          message: 'old migration sequence',
        },
      ];
}
docs.onDidChangeContent((e) => {
  const d = diags(e.document);
  conn.sendDiagnostics({ uri: e.document.uri, diagnostics: d });
  conn.sendNotification('xsr/analysisStatus', { uri: e.document.uri, version: e.document.version, state: 'done', findings: d.length });
});
conn.languages.inlayHint.on((p) => {
  const doc = docs.get(p.textDocument.uri);
  const l = findLine(doc, /vcpu_schedule_lock_irq\(v\)/);
  return l < 0
    ? []
    : [
        {
          position: { line: l, character: doc.getText().split('\n')[l].length },
          label: ' 🔒 sched(v)',
          kind: InlayHintKind.Type,
          paddingLeft: true,
        },
      ];
});
conn.onHover(() => ({ contents: { kind: 'markdown', value: 'Locks held before this line: `sched(v)` (taken on line 17)' } }));
conn.onCodeLens((p) => {
  const doc = docs.get(p.textDocument.uri);
  const l = findLine(doc, /^int vcpu_set_affinity/);
  return l < 0
    ? []
    : [
        {
          range: { start: { line: l, character: 0 }, end: { line: l, character: 1 } },
          command: { title: 'Simulate interleavings', command: 'xsr.simulate', arguments: [p.textDocument.uri, 'vcpu_set_affinity'] },
        },
      ];
});
conn.onCodeAction((p) => {
  const doc = docs.get(p.textDocument.uri);
  const d = diags(doc)[0];
  if (!d) return [];
  const edit = { changes: { [p.textDocument.uri]: [{ range: d.range, newText: 'vcpu_migrate_start(v);' }] } };
  return [
    { title: 'Rewrite to vcpu_migrate_start/finish (XSR001)', kind: 'quickfix', diagnostics: [d], isPreferred: true, edit },
    { title: 'Fix all', kind: 'source.fixAll.xsr', edit },
  ];
});
const st = (o) => ({ processor: { v: 'A' }, running: { A: 'v', B: null }, runq: { A: [], B: [] }, flags: {}, locks: {}, ...o });
conn.onRequest('xsr/simulate', () => ({
  version: 1,
  result: 'violation',
  invariant: 'INV3',
  message: 'v is migrating and not running, yet queued on A.',
  threads: ['X', 'S'],
  trace: [
    { step: 1, thread: 'X', action: 'lock sched(v)', file: 'old_migrate.c', line: 17, state: st({ locks: { 'sched(A)': 'X' } }) },
    {
      step: 2,
      thread: 'X',
      action: 'set_bit(_VPF_migrating)',
      file: 'old_migrate.c',
      line: 22,
      state: st({ flags: { v: ['migrating'] }, locks: { 'sched(A)': 'X' } }),
    },
    { step: 3, thread: 'X', action: 'unlock sched(v)', file: 'old_migrate.c', line: 26, state: st({ flags: { v: ['migrating'] } }) },
    {
      step: 4,
      thread: 'S',
      action: 'context_saved: wake v',
      file: 'old_migrate.c',
      line: 50,
      state: st({ running: { A: null, B: null }, runq: { A: ['v'], B: [] }, flags: { v: ['migrating'] } }),
    },
  ],
  stats: { states: 42, transitions: 57, ms: 3, reduction: 'dpor' },
}));
// Check Patch: one canned XSR002 at the start call of the patch's new patched.c.
conn.onRequest('xsr/checkPatch', (p) => {
  const lines = p.patch.split('\n');
  const header = lines.findIndex((l) => l.startsWith('+++ b/'));
  if (header < 0) return { files: [], error: 'not a patch' };
  const file = lines[header].slice('+++ b/'.length).trim();
  const added = lines
    .slice(header + 2)
    .filter((l) => l.startsWith('+'))
    .map((l) => l.slice(1));
  const l = added.findIndex((t) => /vcpu_migrate_start\(v\)/.test(t));
  const uri = `${p.baseUri.replace(/\/$/, '')}/${file}`;
  return {
    files: [
      {
        uri,
        diagnostics:
          l < 0
            ? []
            : [
                {
                  range: { start: { line: l, character: 4 }, end: { line: l, character: 25 } },
                  code: 'XSR002',
                  source: 'xsr',
                  severity: DiagnosticSeverity.Error,
                  message: 'vcpu_migrate_start(v) needs the scheduler lock of v',
                },
              ],
      },
    ],
  };
});
docs.listen(conn);
conn.listen();
