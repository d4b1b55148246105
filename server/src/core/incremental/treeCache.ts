// Keeps one tree-sitter tree per open document and reparses incrementally
// (vscode-anycode's `Trees`): edits are applied to the old tree with
// `tree.edit(...)` as they arrive and the document is reparsed with the old
// tree only when a tree is asked for. Trees hold WASM memory that the garbage
// collector never frees, so the cache is a bounded LRU that calls `delete()`.
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
}

/** Parses with an optional old tree; returns null when the parse was abandoned (time limit). */
export type ParseFn = (text: string, oldTree: Tree | null) => Tree | null;

interface Entry {
  version: number;
  /** Text the tree was parsed from (its edits applied to `tree`, not yet reparsed). */
  text: string;
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

export class TreeCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxTrees: number;

  constructor(
    private readonly parse: ParseFn,
    opts: TreeCacheOptions = {},
  ) {
    this.maxTrees = Math.max(1, opts.maxTrees ?? 32);
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
      e.dirty = true;
    }
    e.text = text;
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
    const tree = this.parse(text, old);
    if (e) e.tree.delete();
    this.entries.delete(uri);
    if (!tree) return undefined;
    this.entries.set(uri, { version, text, tree, dirty: false });
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
