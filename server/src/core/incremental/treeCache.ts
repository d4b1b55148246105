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
import type { Point, Tree } from 'web-tree-sitter';

/** One replacement in a document, in offsets of the text just before it. */
export interface DocumentEdit {
  start: number;
  oldEnd: number;
  newText: string;
}

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
  /** Text the tree was parsed from (its edits applied to `tree`, not yet reparsed). */
  text: string;
  /** The prepared text the tree was parsed from, with the edits' raw text applied: what the edited tree holds. */
  shadow: string;
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
  edit(uri: string, edits: readonly DocumentEdit[], rows?: readonly { start: number; oldEnd: number }[]): boolean {
    const e = this.entries.get(uri);
    if (!e) return false;
    let text = e.text;
    let shadow = e.shadow;
    for (let i = 0; i < edits.length; i++) {
      const d = edits[i]!;
      if (d.start < 0 || d.oldEnd < d.start || d.oldEnd > text.length) {
        this.delete(uri);
        return false;
      }
      const startPosition = pointAt(text, d.start, rows?.[i]?.start);
      const oldEndPosition = pointAt(text, d.oldEnd, rows?.[i]?.oldEnd);
      e.tree.edit({
        startIndex: d.start,
        oldEndIndex: d.oldEnd,
        newEndIndex: d.start + d.newText.length,
        startPosition,
        oldEndPosition,
        newEndPosition: pointAfter(startPosition, d.newText),
      });
      text = text.slice(0, d.start) + d.newText + text.slice(d.oldEnd);
      shadow = shadow.slice(0, d.start) + d.newText + shadow.slice(d.oldEnd);
      e.dirty = true;
    }
    e.text = text;
    e.shadow = shadow;
    return true;
  }

  /**
   * The tree for `text` at `version`: the cached one, an incremental reparse of
   * the edited one, or a fresh parse. The tree belongs to the cache (do not
   * delete it). Returns undefined when the parse hit its time limit.
   */
  get(uri: string, version: number, text: string): Tree | undefined {
    const e = this.entries.get(uri);
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
    this.entries.set(uri, { version, text, shadow: prepared, tree, dirty: false });
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
