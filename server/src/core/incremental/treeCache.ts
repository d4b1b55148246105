// Keeps one tree-sitter tree per open document and reparses incrementally
// (vscode-anycode's `Trees`): edits are applied to the old tree with
// `tree.edit(...)` as they arrive and the document is reparsed with the old
// tree only when a tree is asked for. Trees hold WASM memory that the garbage
// collector never frees, so the cache is a bounded LRU that calls `delete()`.
// The parser reads a prepared text (attribute macros blanked, same length):
// an edit can change how the text around it is prepared (typing the last
// letter of `cf_check` blanks the first seven), so before a reparse the
// prepared text is compared with what the edited tree holds and the span that
// differs is marked changed too.
//
// A keystroke costs the cache the tree's `edit` and a note of the change,
// not a copy of the text: the edited text and its prepared twin are made
// when a tree is next asked for (the local reparse of an edit inside one body
// asks for none), all pending changes at once. Making them on every edit
// flattened two copies of the whole text per keystroke (240 KB in a
// 5,000-line file), which is most of what an edit allocated outside the analysis.
import type { Point, Tree } from 'web-tree-sitter';

/** One replacement in a document, in offsets of the text just before it. */
export interface DocumentEdit {
  start: number;
  oldEnd: number;
  newText: string;
}

/**
 * Where an edit starts and ends in the text before it: the rows (LSP lines)
 * and, when known, the columns (UTF-16 units, as the editor's positions), so
 * that no line of the text is read to make the tree's points.
 */
export interface EditRows {
  start: number;
  oldEnd: number;
  startColumn?: number;
  oldEndColumn?: number;
}

/** Changes noted but not yet applied to an entry's texts: past this many they are applied (a document edited for long without a tree asked for). */
const MAX_PENDING = 64;

export interface TreeCacheOptions {
  /** Trees kept at once (default 32); the least recently used is deleted first. */
  maxTrees?: number;
  /** The text the parser reads for a document's text (same length); the text itself by default. */
  prepare?: (text: string) => string;
}

/** Parses a prepared text with an optional old tree; returns null when the parse was abandoned (time limit). */
export type ParseFn = (prepared: string, oldTree: Tree | null) => Tree | null;

interface Entry {
  version: number;
  /** Text the tree was parsed from, with the edits applied to `tree` before `pending` (not yet reparsed). */
  text: string;
  /** The prepared text the tree was parsed from, with the same edits' raw text applied: what the edited tree holds. */
  shadow: string;
  /** Edits applied to `tree` but not yet to `text` and `shadow`, in order. */
  pending: DocumentEdit[];
  /** The length of `text` with `pending` applied. */
  length: number;
  tree: Tree;
  /** The tree has been edited since it was parsed: reparse before use. */
  dirty: boolean;
}

/** A tree-sitter Point (row, column in UTF-16 code units, rows split at '\n', as web-tree-sitter counts). */
function pointAt(text: string, offset: number, row?: number): Point {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  if (row === undefined) {
    row = 0;
    for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) row++;
  }
  return { row, column: offset - lineStart };
}

/** `text` with `edits` applied in order (offsets of each in the text just before it): one concatenation, not one copy per edit. */
function applyEdits(text: string, edits: readonly DocumentEdit[]): string {
  // The text as pieces (slices of the original share its characters), spliced at each edit, joined once.
  let pieces = [text];
  for (const d of edits) {
    const next: string[] = [];
    let pos = 0;
    let inserted = false;
    for (const p of pieces) {
      const end = pos + p.length;
      if (end <= d.start) next.push(p);
      else {
        if (pos < d.start) next.push(p.slice(0, d.start - pos));
        if (!inserted && pos <= d.oldEnd) {
          next.push(d.newText);
          inserted = true;
        }
        if (end > d.oldEnd) next.push(pos >= d.oldEnd ? p : p.slice(d.oldEnd - pos));
      }
      pos = end;
    }
    if (!inserted) next.push(d.newText);
    pieces = next;
  }
  return pieces.join('');
}

function pointAfter(start: Point, inserted: string): Point {
  const last = inserted.lastIndexOf('\n');
  if (last < 0) return { row: start.row, column: start.column + inserted.length };
  let rows = 0;
  for (let i = inserted.indexOf('\n'); i >= 0; i = inserted.indexOf('\n', i + 1)) rows++;
  return { row: start.row + rows, column: inserted.length - last - 1 };
}

/** Marks the span where `prepared` differs from what the edited tree holds (`shadow`, the same length) as changed. */
function markPreparedChanges(tree: Tree, shadow: string, prepared: string): void {
  if (shadow === prepared || shadow.length !== prepared.length) return;
  let first = 0;
  while (shadow.charCodeAt(first) === prepared.charCodeAt(first)) first++;
  let last = prepared.length;
  while (shadow.charCodeAt(last - 1) === prepared.charCodeAt(last - 1)) last--;
  const startPosition = pointAt(prepared, first);
  const endPosition = pointAt(prepared, last);
  tree.edit({
    startIndex: first,
    oldEndIndex: last,
    newEndIndex: last,
    startPosition,
    oldEndPosition: endPosition,
    newEndPosition: endPosition,
  });
}

export class TreeCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxTrees: number;
  private readonly prepare: (text: string) => string;

  constructor(
    private readonly parse: ParseFn,
    opts: TreeCacheOptions = {},
  ) {
    this.maxTrees = Math.max(1, opts.maxTrees ?? 32);
    this.prepare = opts.prepare ?? ((t) => t);
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Records edits made to a document. `rows` optionally gives each edit's start
   * and old end rows (the LSP range lines) so no line counting is needed.
   * Returns false when the cached text does not match (the tree is dropped and
   * the next `get` parses from scratch).
   */
  edit(uri: string, edits: readonly DocumentEdit[], rows?: readonly EditRows[]): boolean {
    const e = this.entries.get(uri);
    if (!e) return false;
    for (let i = 0; i < edits.length; i++) {
      const d = edits[i]!;
      if (d.start < 0 || d.oldEnd < d.start || d.oldEnd > e.length) {
        this.delete(uri);
        return false;
      }
      const r = rows?.[i];
      let startPosition: Point;
      let oldEndPosition: Point;
      if (r?.startColumn !== undefined && r.oldEndColumn !== undefined) {
        startPosition = { row: r.start, column: r.startColumn };
        oldEndPosition = { row: r.oldEnd, column: r.oldEndColumn };
      } else {
        const text = this.applyPending(e);
        startPosition = pointAt(text, d.start, r?.start);
        oldEndPosition = pointAt(text, d.oldEnd, r?.oldEnd);
      }
      e.tree.edit({
        startIndex: d.start,
        oldEndIndex: d.oldEnd,
        newEndIndex: d.start + d.newText.length,
        startPosition,
        oldEndPosition,
        newEndPosition: pointAfter(startPosition, d.newText),
      });
      e.pending.push(d);
      e.length += d.newText.length - (d.oldEnd - d.start);
      e.dirty = true;
    }
    if (e.pending.length > MAX_PENDING) this.applyPending(e);
    return true;
  }

  /** Applies an entry's pending edits to its texts; returns its text. */
  private applyPending(e: Entry): string {
    if (e.pending.length === 0) return e.text;
    e.text = applyEdits(e.text, e.pending);
    e.shadow = applyEdits(e.shadow, e.pending);
    e.pending = [];
    return e.text;
  }

  /**
   * The tree for `text` at `version`: the cached one, an incremental reparse of
   * the edited one, or a fresh parse. The tree belongs to the cache (do not
   * delete it). Returns undefined when the parse hit its time limit.
   */
  get(uri: string, version: number, text: string): Tree | undefined {
    const e = this.entries.get(uri);
    if (e) this.applyPending(e);
    if (e && e.version === version && e.text === text && !e.dirty) {
      this.touch(uri, e);
      return e.tree;
    }
    // Reuse the old tree only when its recorded edits lead to exactly this text.
    const old = e && e.text === text ? e.tree : null;
    const prepared = this.prepare(text);
    if (old) markPreparedChanges(old, e!.shadow, prepared);
    const tree = this.parse(prepared, old);
    if (e) e.tree.delete();
    this.entries.delete(uri);
    if (!tree) return undefined;
    this.entries.set(uri, { version, text, shadow: prepared, pending: [], length: text.length, tree, dirty: false });
    this.evict();
    return tree;
  }

  delete(uri: string): void {
    const e = this.entries.get(uri);
    if (!e) return;
    e.tree.delete();
    this.entries.delete(uri);
  }

  dispose(): void {
    for (const uri of [...this.entries.keys()]) this.delete(uri);
  }

  private touch(uri: string, e: Entry): void {
    this.entries.delete(uri);
    this.entries.set(uri, e);
  }

  private evict(): void {
    while (this.entries.size > this.maxTrees) {
      const oldest = this.entries.keys().next().value as string;
      this.delete(oldest);
    }
  }
}
