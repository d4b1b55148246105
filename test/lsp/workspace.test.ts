// The workspace index over real JSON-RPC, on a folder of fixture files whose
// findings need the files analysed together (test/fixtures/index): the editor
// shows what `xsr check` on the folder reports, before and after a helper in
// another file changes (on disk, seen through watched-file events, or in the
// editor); the first results never wait for the index; indexing shows
// progress, can be cancelled and is bounded by xsr.index.maxFiles.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

import {
  type Diagnostic,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  InlayHintRequest,
  WorkDoneProgressCancelNotification,
} from 'vscode-languageserver-protocol/node';

import { createAnalyzer, listSourceFiles } from '../../server/src/core/index';
import { fixtureMarks } from '../shared/fixtureMarks';
import { startClient, type TestClient } from './harness';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'index');

/** A fresh copy of the fixture folder (the tests change files on disk). */
function copyFolder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xsr-index-'));
  for (const f of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
  return dir;
}

const uriOf = (file: string): string => pathToFileURL(file).href;

/** An index worker that never answers (written into `dir`). */
function stuckWorker(dir: string): string {
  const file = path.join(dir, 'stuck-worker.js');
  fs.writeFileSync(file, 'setInterval(() => undefined, 1 << 30);\n');
  return file;
}
type Row = [string, number, number, number, number, string];
const rows = (ds: readonly Diagnostic[]): Row[] =>
  ds.map((d) => [String(d.code), d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.message]);

/** What `xsr check DIR` reports (its analysis: every source of the folder together), per file URI, as LSP rows. */
async function folderCheck(dir: string): Promise<Map<string, Row[]>> {
  const files = listSourceFiles(dir).files.map((p) => ({ path: p, text: fs.readFileSync(p, 'utf8') }));
  const out = new Map<string, Row[]>();
  for (const a of (await createAnalyzer()).analyzeMany(files)) {
    out.set(
      uriOf(a.path),
      a.diagnostics.map((d) => {
        const s = a.lineIndex.position(d.start);
        const e = a.lineIndex.position(d.end);
        // The editor's messages name their function first when the rule's words do not.
        const message = d.message.includes(`${d.function}(`) ? d.message : `${d.function}(): ${d.message}`;
        return [d.code, s.line, s.character, e.line, e.character, message];
      }),
    );
  }
  return out;
}

async function openFolder(dir: string, extra: Parameters<typeof startClient>[0] = {}): Promise<TestClient> {
  return startClient({
    workspaceFolders: [{ uri: uriOf(dir), name: 'sched' }],
    capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true }, inlayHint: { refreshSupport: true } } },
    ...extra,
  });
}

const ready = (c: TestClient, seen = 0) => c.indexStatuses.next((s) => s.state === 'ready', seen);

/** The next diagnostics published for `uri` (at any version) after `seen` publications. */
const nextDiagnostics = (c: TestClient, uri: string, seen: number) => c.diagnostics.next((d) => d.uri === uri, seen);

describe('workspace index', () => {
  it('the editor shows what xsr check on the folder reports, in every file', async () => {
    const dir = copyFolder();
    const expected = await folderCheck(dir);
    const c = await openFolder(dir);
    const status = await ready(c);
    assert.deepEqual(status, { state: 'ready', indexed: 4, total: 4 });
    // The watchers are registered for C files and headers.
    const reg = await c.requests.next((r) => r.method === 'client/registerCapability');
    assert.deepEqual(
      (reg.params as { registrations: { method: string; registerOptions: unknown }[] }).registrations.map((r) => [
        r.method,
        r.registerOptions,
      ]),
      [['workspace/didChangeWatchedFiles', { watchers: [{ globPattern: '**/*.{c,h}' }] }]],
    );
    for (const file of listSourceFiles(dir).files) {
      await c.open(uriOf(file), fs.readFileSync(file, 'utf8'));
      assert.deepEqual(rows(await c.diagnosticsFor(uriOf(file), 1)), expected.get(uriOf(file)), path.basename(file));
    }
    // The cross-file findings are there (not only "equal"): the leak in users.c, and the old sequence through
    // demo.h's helpers (alone, the file shows only XSR008: without the helper the flag write is not under the lock).
    const users = expected.get(uriOf(path.join(dir, 'users.c')))!;
    const at = fixtureMarks(fs.readFileSync(path.join(dir, 'users.c'), 'utf8'), 'users.c');
    assert.deepEqual(
      users.map((r) => [r[0], r[1]]),
      [['XSR007', at('user_leak').line0]],
    );
    assert.deepEqual(
      expected.get(uriOf(path.join(dir, 'migrate_users.c')))!.map((r) => r[0]),
      ['XSR001'],
    );
    await c.dispose();
  });

  it("a helper changed on disk changes an open file's diagnostics and hints (watched-file events)", async () => {
    const dir = copyFolder();
    const c = await openFolder(dir);
    await ready(c);
    const users = uriOf(path.join(dir, 'users.c'));
    const text = fs.readFileSync(path.join(dir, 'users.c'), 'utf8');
    const at = fixtureMarks(text, 'users.c');
    await c.open(users, text);
    assert.deepEqual(
      rows(await c.diagnosticsFor(users, 1)).map((r) => r[0]),
      ['XSR007'],
    );
    const hint = async (): Promise<string[]> => {
      const hints = await c.client.sendRequest(InlayHintRequest.type, {
        textDocument: { uri: users },
        range: { start: { line: at('user_lock').line0, character: 0 }, end: { line: at('user_lock').line0 + 1, character: 0 } },
      });
      return (hints ?? []).map((h) => String(h.label));
    };
    assert.deepEqual(await hint(), ['🔒 sched(cpu) · irq off']);

    // The helper no longer returns holding the lock: its callers' analyses change.
    const helpers = path.join(dir, 'pcpu_helpers.c');
    fs.writeFileSync(
      helpers,
      fs.readFileSync(helpers, 'utf8').replace('return pcpu_schedule_lock_irq(cpu);', 'return per_cpu(sched_res, cpu)->schedule_lock;'),
    );
    const seen = c.diagnostics.items.length;
    const requestsSeen = c.requests.items.length;
    await c.client.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: uriOf(helpers), type: FileChangeType.Changed }],
    });
    const republished = await nextDiagnostics(c, users, seen);
    assert.equal(republished.version, 1);
    assert.deepEqual(rows(republished.diagnostics), (await folderCheck(dir)).get(users));
    assert.notDeepEqual(
      rows(republished.diagnostics).map((r) => r[0]),
      ['XSR007'],
    );
    await c.requests.next((r) => r.method === 'workspace/inlayHint/refresh', requestsSeen);
    assert.deepEqual(await hint(), []);

    // The helper file deleted: nothing defines the helper any more. users.c is analysed again; its findings
    // happen to be those it already shows, so nothing is published again (an editor takes every
    // publication as a change): what it shows is checked once the analysis is done.
    fs.unlinkSync(helpers);
    const statusesSeen = c.statuses.items.length;
    const published = c.diagnostics.items.length;
    await c.client.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: uriOf(helpers), type: FileChangeType.Deleted }],
    });
    await c.statuses.next((s) => s.uri === users, statusesSeen);
    // A request answered after the analysis: whatever it published has arrived before the answer.
    await c.client.sendRequest(InlayHintRequest.type, {
      textDocument: { uri: users },
      range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } },
    });
    assert.equal(c.diagnostics.items.length, published);
    assert.deepEqual(rows(republished.diagnostics), (await folderCheck(dir)).get(users));
    await c.dispose();
  });

  it('an edit to a helper open in the editor changes the other open files at once, and closing it restores the disk version', async () => {
    const dir = copyFolder();
    const c = await openFolder(dir);
    await ready(c);
    const users = uriOf(path.join(dir, 'users.c'));
    const helpersFile = path.join(dir, 'pcpu_helpers.c');
    const helpers = uriOf(helpersFile);
    const helperText = fs.readFileSync(helpersFile, 'utf8');
    await c.open(users, fs.readFileSync(path.join(dir, 'users.c'), 'utf8'));
    const before = rows(await c.diagnosticsFor(users, 1));
    await c.open(helpers, helperText);
    await c.diagnosticsFor(helpers, 1);
    const line = fixtureMarks(helperText, 'pcpu_helpers.c')('helper_lock').line0;
    const lineText = helperText.split('\n')[line]!;
    const seen = c.diagnostics.items.length;
    // `return NULL;` in place of the lock: the caller now releases a lock it does not hold.
    await c.change(helpers, 2, [
      { range: { start: { line, character: 0 }, end: { line, character: lineText.length } }, text: '    return NULL;' },
    ]);
    const changed = await nextDiagnostics(c, users, seen);
    assert.equal(changed.version, 1);
    const edited = helperText.replace(lineText, '    return NULL;');
    fs.writeFileSync(helpersFile, edited);
    assert.deepEqual(rows(changed.diagnostics), (await folderCheck(dir)).get(users));
    assert.notDeepEqual(rows(changed.diagnostics), before);
    // Closed without saving: the disk's helper (the original) applies again.
    fs.writeFileSync(helpersFile, helperText);
    const seen2 = c.diagnostics.items.length;
    await c.close(helpers);
    const restored = await nextDiagnostics(c, users, seen2);
    assert.deepEqual(rows(restored.diagnostics), before);
    await c.dispose();
  });

  it('the first results of an opened file never wait for the index', async () => {
    const dir = copyFolder();
    // The index stays busy for the whole test.
    const c = await openFolder(dir, { server: { indexWorkerPath: stuckWorker(dir) } });
    await c.indexStatuses.next((s) => s.state === 'indexing');
    const users = uriOf(path.join(dir, 'users.c'));
    await c.open(users, fs.readFileSync(path.join(dir, 'users.c'), 'utf8'));
    // users.c alone: the helper's summary is not known yet, so no leak is found.
    assert.deepEqual(await c.diagnosticsFor(users, 1), []);
    assert.equal(c.server.indexer.busy, true);
    await c.dispose();
  });

  it('indexing shows cancellable progress; cancelled, the open files are analysed on their own', async () => {
    const dir = copyFolder();
    const c = await openFolder(dir, { server: { indexWorkerPath: stuckWorker(dir) } });
    const created = await c.requests.next((r) => r.method === 'window/workDoneProgress/create');
    const token = (created.params as { token: string }).token;
    const begin = await c.progress.next((p) => p.token === token && p.value.kind === 'begin');
    assert.deepEqual(begin.value, { kind: 'begin', title: 'Indexing C files', cancellable: true, message: '0/4 files', percentage: 0 });
    await c.client.sendNotification(WorkDoneProgressCancelNotification.type, { token });
    const cancelled = await c.indexStatuses.next((s) => s.state === 'cancelled');
    assert.deepEqual(cancelled, {
      state: 'cancelled',
      indexed: 0,
      total: 4,
      message: 'indexing was cancelled; open files are analysed on their own',
    });
    await c.progress.next((p) => p.token === token && p.value.kind === 'end');
    assert.equal(c.server.indexer.busy, false);
    await c.dispose();
  });

  it('indexes at most xsr.index.maxFiles files, and says so', async () => {
    const dir = copyFolder();
    const c = await openFolder(dir, { settings: { xsr: { index: { maxFiles: 2 } } } });
    const status = await ready(c);
    assert.deepEqual(status, { state: 'ready', indexed: 2, total: 2 });
    const m = await c.messages.next((x) => x.message.includes('xsr.index.maxFiles'));
    assert.equal(m.message, 'xsr: the workspace has 4 C files and headers; indexing the first 2 (setting xsr.index.maxFiles)');
    await c.dispose();
  });
});
