// Open documents and their analyses. Text sync is incremental: TextDocuments
// applies each content change, and its update hook also hands the change (as
// offsets in the text just before it) to the incremental analyzer so the next
// parse reuses the old tree. Analyses are computed on demand for the current
// version (hints, hovers and code actions ask for them) and diagnostics are
// published after a per-document debounce, only for the version still current.
// An edit inside one function body is analysed by reparsing only that function;
// once the document has been idle for a moment the whole-file tree is reparsed
// to confirm it (IncrementalAnalyzer.settle), and should it disagree the corrected
// analysis replaces the published one. Functions a document calls but does not
// define are looked up in the workspace index (`shared`); when their summaries
// change, `invalidate` analyses the documents that call them again.
// Positions in changes are in the negotiated encoding (UTF-16 or UTF-8).
import {
  type Connection,
  MessageType,
  ShowMessageNotification,
  TextDocumentContentChangeEvent,
  TextDocuments,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';

import {
  type AnalysedFile,
  type CoreAnalyzer,
  type CoreDiagnostic,
  createAnalyzer,
  createIncrementalAnalyzer,
  type DocumentEdit,
  type EditRows,
  type IncrementalAnalyzer,
  type Rule,
  type WorkspaceSummaries,
} from '../core/index';
import { type PositionEncoding, utf16Column } from './convert';
import type { Settings, SettingsCache } from './settings';

export interface DocumentState {
  uri: string;
  version: number;
  settings: Settings;
  /** The analysis, or undefined when the document was skipped. */
  file?: AnalysedFile;
  /** Why the document was not analysed. */
  skipped?: string;
  ms: number;
}

export interface DocumentManagerOptions {
  /** Delay between the last change and the diagnostics (0 in tests and the bench). */
  debounceMs: number;
  /** Idle time after the diagnostics of a version before its whole-file tree is reparsed to confirm a local reparse (default 400). */
  settleMs?: number;
  rules: readonly Rule[];
  /** After every analysis (the status notification). */
  onAnalysed?(state: DocumentState): void;
  /** When the diagnostics of a version are due (after the debounce, still current). */
  onPublish?(state: DocumentState): void;
  /** When settling found that the published analysis was wrong and replaced it (refresh what the editor shows). */
  onCorrected?(state: DocumentState): void;
  /** When an analysis failed (a bug: reported, never thrown at the client). */
  onError?(uri: string, version: number, error: unknown): void;
  /** After a document closed. */
  onClosed?(uri: string): void;
  /** The summaries of functions a document calls but does not define (the workspace index's). */
  shared?(uri: string): WorkspaceSummaries | undefined;
}

/** One analyzer per set of user lock helpers, and the incremental analysis of the open documents on top of it. */
interface AnalyzerPair {
  core: CoreAnalyzer;
  incremental: IncrementalAnalyzer;
}

const MAX_ANALYZERS = 4;
const DEFAULT_SETTLE_MS = 400;
/** Re-analyses of one version because the workspace's summaries changed (recursion across files could otherwise go on). */
const MAX_INVALIDATIONS = 3;

/** A position with sane numbers: non-integers and negatives become 0, huge ones stay huge (offsetAt clamps them). */
function clampPosition(p: { line: number; character: number } | undefined): { line: number; character: number } {
  const n = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) && x > 0 ? Math.floor(x) : 0);
  return { line: n(p?.line), character: n(p?.character) };
}

/**
 * The tree's column of a position (UTF-16 units after the last `\n`): the
 * editor's character, unless the line follows a lone `\r` (a line break to
 * LSP, not to tree-sitter); undefined then, and the tree cache counts it.
 */
function treeColumn(doc: TextDocument, p: { line: number; character: number }): number | undefined {
  if (p.line === 0) return p.character;
  return doc.getText().charCodeAt(doc.offsetAt({ line: p.line, character: 0 }) - 1) === 10 ? p.character : undefined;
}

/** The same findings, in the same order (what a client was sent for them). */
function sameFindings(a: readonly CoreDiagnostic[], b: readonly CoreDiagnostic[]): boolean {
  return a.length === b.length && a.every((d, i) => JSON.stringify(d) === JSON.stringify(b[i]));
}

/** Runs `fn` after `ms` (on the next turn of the event loop when 0: a 0 ms timer waits about 1 ms); returns the cancel function. */
function later(ms: number, fn: () => void): () => void {
  if (ms <= 0) {
    const h = setImmediate(fn);
    return () => clearImmediate(h);
  }
  const h = setTimeout(fn, ms);
  return () => clearTimeout(h);
}

export class DocumentManager {
  readonly documents: TextDocuments<TextDocument>;
  private readonly analyzers = new Map<string, Promise<AnalyzerPair>>();
  /** Analyzers already created (edits reach them synchronously, before any later parse). */
  private readonly ready = new Set<IncrementalAnalyzer>();
  private readonly results = new Map<string, DocumentState>();
  private readonly inflight = new Map<string, Promise<DocumentState | undefined>>();
  /** Pending publications (their cancel functions). */
  private readonly timers = new Map<string, () => void>();
  /** Pending confirmations of local reparses (their cancel functions). */
  private readonly settleTimers = new Map<string, () => void>();
  private readonly published = new Map<string, number>();
  private readonly noticed = new Set<string>();
  /**
   * The version of each document whose text is known to hold no NUL byte:
   * an incremental change that inserts none keeps it so, and searching a
   * long text on every keystroke read the whole of it.
   */
  private readonly nulFree = new Map<string, number>();
  /** Documents analysed again because the workspace changed, and how often for their current version. */
  private readonly invalidated = new Map<string, { version: number; count: number }>();
  /** Documents whose next publication replaces one the editor shows (ask it for hints again). */
  private readonly refresh = new Set<string>();
  private disposed = false;
  /** The negotiated position encoding of change ranges. */
  encoding: PositionEncoding = 'utf-16';

  constructor(
    private readonly connection: Connection,
    private readonly settings: SettingsCache,
    private readonly opts: DocumentManagerOptions,
  ) {
    this.documents = new TextDocuments<TextDocument>({
      create: (uri, languageId, version, content) => {
        // Out-of-spec input never takes the server down: a document whose text is not a string opens empty.
        if (typeof content !== 'string') {
          this.connection.console.error(`xsr: didOpen of ${String(uri)} without a text string: opened as an empty document`);
          content = '';
        }
        return TextDocument.create(String(uri), String(languageId), Number.isInteger(version) ? version : 0, content);
      },
      update: (doc, changes, version) => this.update(doc, changes, version),
    });
  }

  listen(): void {
    this.documents.onDidOpen((e) => this.schedule(e.document.uri));
    this.documents.onDidChangeContent((e) => this.schedule(e.document.uri));
    this.documents.onDidClose((e) => this.close(e.document.uri));
    this.documents.listen(this.connection);
  }

  /** The analysis of the document's current version (computed now if needed); undefined when it is not open. */
  async analysisFor(uri: string): Promise<DocumentState | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = this.documents.get(uri);
      if (!doc || this.disposed) return undefined;
      const done = this.results.get(uri);
      if (done && done.version === doc.version) return done;
      const key = `${uri}#${doc.version}`;
      let p = this.inflight.get(key);
      if (!p) {
        p = this.compute(uri, doc.version).finally(() => this.inflight.delete(key));
        this.inflight.set(key, p);
      }
      const st = await p;
      if (st) return st;
      // A newer version arrived while settings were read: analyse that one.
    }
    return undefined;
  }

  isOpen(uri: string): boolean {
    return this.documents.get(uri) !== undefined;
  }

  /**
   * Summaries these documents read changed (another file changed): analyse
   * them again and publish, even at the same version (onCorrected tells the
   * editor to ask for hints again).
   */
  invalidate(uris: Iterable<string>): void {
    for (const uri of uris) {
      const doc = this.documents.get(uri);
      if (!doc || this.disposed) continue;
      const seen = this.invalidated.get(uri);
      const count = seen?.version === doc.version ? seen.count + 1 : 1;
      if (count > MAX_INVALIDATIONS) continue;
      this.invalidated.set(uri, { version: doc.version, count });
      if (this.published.has(uri)) this.refresh.add(uri);
      this.results.delete(uri);
      this.published.delete(uri);
      this.schedule(uri);
    }
  }

  /** Settings changed: every analysis is stale. */
  async refreshAll(): Promise<void> {
    this.results.clear();
    this.published.clear();
    for (const doc of this.documents.all()) this.schedule(doc.uri);
  }

  dispose(): void {
    this.disposed = true;
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    for (const cancel of this.settleTimers.values()) cancel();
    this.settleTimers.clear();
    for (const a of this.ready) a.dispose();
    this.ready.clear();
    this.analyzers.clear();
  }

  private update(doc: TextDocument, changes: TextDocumentContentChangeEvent[], version: number): TextDocument {
    const previous = doc.version;
    const edits: DocumentEdit[] = [];
    const rows: EditRows[] = [];
    let incremental = true;
    for (const raw of changes) {
      if (!raw || typeof (raw as { text?: unknown }).text !== 'string') {
        this.connection.console.error(`xsr: a change to ${doc.uri} without a text string was ignored`);
        continue;
      }
      let c = raw;
      if (TextDocumentContentChangeEvent.isIncremental(c)) {
        // Positions past the end (or past a line's end) mean the end, as LSP says: clamp them here, before the
        // text-document library sees a line number it would allocate for.
        const start = this.offsetAt(doc, c.range.start);
        const oldEnd = Math.max(start, this.offsetAt(doc, c.range.end));
        const from = doc.positionAt(start);
        const to = doc.positionAt(oldEnd);
        c = { range: { start: from, end: to }, text: c.text };
        rows.push({ start: from.line, oldEnd: to.line, startColumn: treeColumn(doc, from), oldEndColumn: treeColumn(doc, to) });
        edits.push({ start, oldEnd, newText: c.text });
      } else incremental = false;
      // TextDocument.update applies the change in place: the next change's offsets are in the new text.
      doc = TextDocument.update(doc, [c], version);
    }
    if (incremental && this.nulFree.get(doc.uri) === previous && edits.every((e) => !e.newText.includes('\u0000')))
      this.nulFree.set(doc.uri, version);
    else this.nulFree.delete(doc.uri);
    for (const a of this.ready) {
      if (incremental) a.edit(doc.uri, edits, rows);
      else a.forgetTree(doc.uri);
    }
    return doc;
  }

  /** The offset of a client position (in the negotiated encoding; clamped). */
  private offsetAt(doc: TextDocument, raw: { line: number; character: number } | undefined): number {
    const p = clampPosition(raw);
    if (this.encoding === 'utf-16') return doc.offsetAt(p);
    const line = Math.min(p.line, doc.lineCount - 1);
    const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$|\r$/, '');
    return doc.offsetAt({ line, character: utf16Column(text, p.character) });
  }

  private schedule(uri: string): void {
    this.timers.get(uri)?.();
    this.settleTimers.get(uri)?.();
    this.settleTimers.delete(uri);
    this.timers.set(
      uri,
      later(this.opts.debounceMs, () => {
        this.timers.delete(uri);
        void this.publishWhenReady(uri);
      }),
    );
  }

  private async publishWhenReady(uri: string): Promise<void> {
    const st = await this.analysisFor(uri);
    const doc = this.documents.get(uri);
    // Never publish for a version that is no longer current (a newer change has its own timer).
    if (!st || !doc || doc.version !== st.version || this.timers.has(uri)) return;
    if (this.published.get(uri) === st.version) return;
    this.published.set(uri, st.version);
    this.opts.onPublish?.(st);
    if (this.refresh.delete(uri)) this.opts.onCorrected?.(st);
    if (st.file) {
      this.settleTimers.get(uri)?.();
      this.settleTimers.set(
        uri,
        later(this.opts.settleMs ?? DEFAULT_SETTLE_MS, () => {
          this.settleTimers.delete(uri);
          void this.settle(uri, st);
        }),
      );
    }
  }

  /** Reparses the whole-file tree of an idle document and replaces its analysis should a local reparse have been wrong. */
  private async settle(uri: string, st: DocumentState): Promise<void> {
    const analyzer = (await this.analyzerFor(st.settings)).incremental;
    const doc = this.documents.get(uri);
    if (this.disposed || !doc || doc.version !== st.version || this.results.get(uri) !== st) return;
    let r;
    try {
      r = analyzer.settle(uri, st.version, doc.getText(), this.opts.shared?.(uri));
    } catch (e) {
      this.opts.onError?.(uri, st.version, e);
      return;
    }
    if (!r) return;
    if (r.compacted && r.file) {
      // The analysis made again from the text (to let go of the versions its cache kept): it replaces the earlier
      // one, and is published only as a correction (local results the whole tree did not confirm, other findings).
      const next: DocumentState = { ...st, file: r.file };
      this.results.set(uri, next);
      this.opts.onAnalysed?.(next);
      if (r.consistent && st.file && sameFindings(st.file.diagnostics, r.file.diagnostics)) return;
      this.opts.onPublish?.(next);
      this.opts.onCorrected?.(next);
      return;
    }
    if (r.consistent) return;
    const next: DocumentState = r.file
      ? { ...st, file: r.file }
      : { uri, version: st.version, settings: st.settings, skipped: 'parsing took too long', ms: st.ms };
    this.results.set(uri, next);
    this.opts.onAnalysed?.(next);
    this.opts.onPublish?.(next);
    this.opts.onCorrected?.(next);
  }

  private async compute(uri: string, version: number): Promise<DocumentState | undefined> {
    const settings = await this.settings.get(uri);
    const analyzer = (await this.analyzerFor(settings)).incremental;
    const doc = this.documents.get(uri);
    if (!doc || doc.version !== version) return undefined;
    const text = doc.getText();
    const t0 = performance.now();
    let st: DocumentState;
    const skipped = this.skipReason(uri, version, text, settings);
    if (skipped) st = { uri, version, settings, skipped, ms: 0 };
    else {
      try {
        const file = analyzer.analyze(uri, version, text, this.opts.shared?.(uri));
        st = file
          ? { uri, version, settings, file, ms: performance.now() - t0 }
          : { uri, version, settings, skipped: 'parsing took too long', ms: performance.now() - t0 };
      } catch (e) {
        this.opts.onError?.(uri, version, e);
        st = { uri, version, settings, skipped: `internal error: ${(e as Error).message}`, ms: performance.now() - t0 };
      }
    }
    this.results.set(uri, st);
    this.opts.onAnalysed?.(st);
    return st;
  }

  private skipReason(uri: string, version: number, text: string, settings: Settings): string | undefined {
    if (this.nulFree.get(uri) !== version) {
      if (text.includes('\u0000')) return 'binary content (NUL bytes): not analysed';
      this.nulFree.set(uri, version);
    }
    // A UTF-16 unit is at most 3 UTF-8 bytes: a text that short is not counted (counting reads all of it).
    const bytes = text.length * 3 <= settings.maxFileSize ? 0 : Buffer.byteLength(text, 'utf8');
    if (bytes > settings.maxFileSize) {
      const message = `${uri.replace(/^.*\//, '')} is ${bytes} bytes, over xsr.maxFileSize (${settings.maxFileSize}): not analysed`;
      if (!this.noticed.has(uri)) {
        this.noticed.add(uri);
        void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message });
      }
      return message;
    }
    return undefined;
  }

  /** The analyzer for a resource's settings (its user lock helpers), shared with the open documents. */
  async analyzerForResource(uri: string): Promise<CoreAnalyzer> {
    return (await this.analyzerFor(await this.settings.get(uri))).core;
  }

  private analyzerFor(settings: Settings): Promise<AnalyzerPair> {
    const key = JSON.stringify([settings.extraHelpers, settings.extraAttributes]);
    let p = this.analyzers.get(key);
    if (p) {
      this.analyzers.delete(key);
      this.analyzers.set(key, p);
      return p;
    }
    p = createAnalyzer({ helpers: settings.extraHelpers, attributes: settings.extraAttributes, rules: this.opts.rules }).then((core) => {
      const incremental = createIncrementalAnalyzer(core);
      this.ready.add(incremental);
      return { core, incremental };
    });
    this.analyzers.set(key, p);
    while (this.analyzers.size > MAX_ANALYZERS) {
      const oldest = this.analyzers.keys().next().value as string;
      void this.analyzers.get(oldest)!.then((a) => {
        this.ready.delete(a.incremental);
        a.incremental.dispose();
      });
      this.analyzers.delete(oldest);
    }
    return p;
  }

  private close(uri: string): void {
    this.timers.get(uri)?.();
    this.timers.delete(uri);
    this.settleTimers.get(uri)?.();
    this.settleTimers.delete(uri);
    this.results.delete(uri);
    this.published.delete(uri);
    this.noticed.delete(uri);
    this.nulFree.delete(uri);
    this.invalidated.delete(uri);
    this.refresh.delete(uri);
    this.settings.forget(uri);
    for (const a of this.ready) a.close(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    this.opts.onClosed?.(uri);
  }
}
