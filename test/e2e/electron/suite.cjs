// The in-editor suite that test/e2e/electron.mjs runs inside a desktop VS Code
// (the extension host loads it with require, so plain CommonJS). It prints
// node-test-style lines and a closing "N passed, N failed".
'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');

const ID = 'xen-scheduler-review.xen-scheduler-review';

async function waitFor(what, fn, ms = 20000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const tests = [
  [
    'the extension activates on a C file',
    async () => {
      const folder = vscode.workspace.workspaceFolders[0].uri;
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'old_migrate.c'));
      await vscode.window.showTextDocument(doc);
      const ext = vscode.extensions.getExtension(ID);
      assert.ok(ext, 'extension installed');
      await waitFor('activation', () => ext.isActive);
    },
  ],
  [
    'its commands are registered',
    async () => {
      const all = await vscode.commands.getCommands(true);
      for (const c of ['xsr.simulate', 'xsr.fixAll', 'xsr.checkPatch', 'xsr.showLockState', 'xsr.openTrace']) assert.ok(all.includes(c), c);
    },
  ],
  [
    'XSR001 is published for the old initiator',
    async () => {
      const uri = vscode.window.activeTextEditor.document.uri;
      const diags = await waitFor('diagnostics', () => {
        const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'xsr');
        return d.length > 0 ? d : undefined;
      });
      const codes = diags.map((d) => (typeof d.code === 'object' ? d.code.value : d.code));
      assert.ok(codes.includes('XSR001'), codes.join(','));
    },
  ],
  [
    'Show Lock State toggles the inlay hint mode',
    async () => {
      const config = () => vscode.workspace.getConfiguration('xsr').get('inlayHints.mode');
      const before = config();
      await vscode.commands.executeCommand('xsr.showLockState');
      assert.notEqual(config(), before);
      await vscode.commands.executeCommand('xsr.showLockState');
      assert.equal(config(), before);
    },
  ],
  [
    'a malformed trace opens with a message, not a crash',
    async () => {
      const bad = vscode.Uri.file(path.join(require('node:os').tmpdir(), `bad-${process.pid}.xsrtrace.json`));
      await vscode.workspace.fs.writeFile(bad, Buffer.from('{ "version": 1 '));
      await vscode.commands.executeCommand('xsr.openTrace', bad);
    },
  ],
];

exports.run = async function run() {
  let passed = 0;
  let failed = 0;
  for (const [name, fn] of tests) {
    try {
      await fn();
      passed++;
      console.log(`✔ ${name}`);
    } catch (e) {
      failed++;
      console.log(`✖ ${name}\n    ${e && e.message}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  if (failed > 0) throw new Error(`${failed} failed`);
};
