// Conversions between the core's offsets and LSP types, in one place. The
// core counts UTF-16 code units; a client that prefers UTF-8 (LSP 3.17
// `general.positionEncodings`) gets its columns in bytes, and sends its
// positions in bytes too.
import { DiagnosticSeverity, type Position, type Range } from 'vscode-languageserver';

import type { LineIndex, Severity } from '../core/index';

/** The position encodings this server speaks, as LSP names them. */
export type PositionEncoding = 'utf-16' | 'utf-8';

/** The encoding to use: the first of the client's that the server speaks (UTF-16, the default, otherwise). */
export function negotiateEncoding(clientEncodings: unknown): PositionEncoding {
  if (!Array.isArray(clientEncodings)) return 'utf-16';
  for (const e of clientEncodings) if (e === 'utf-8' || e === 'utf-16') return e;
  return 'utf-16';
}

const ASCII = /^\p{ASCII}*$/u;

/** UTF-8 bytes of `s` (as Buffer.byteLength, without a Buffer for pure ASCII). */
function utf8Length(s: string): number {
  return ASCII.test(s) ? s.length : Buffer.byteLength(s, 'utf8');
}

/** The UTF-16 column of a UTF-8 byte column in `line` (a byte inside a character counts as that character; past the end, the end). */
export function utf16Column(line: string, byteColumn: number): number {
  if (ASCII.test(line)) return Math.min(byteColumn, line.length);
  let bytes = 0;
  let i = 0;
  while (i < line.length && bytes < byteColumn) {
    const cp = line.codePointAt(i)!;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += cp >= 0x10000 ? 2 : 1;
  }
  return i;
}

/** LSP positions over one text in one encoding. */
export class Positions {
  constructor(
    private readonly lines: LineIndex,
    readonly encoding: PositionEncoding,
  ) {}

  position(offset: number): Position {
    const p = this.lines.position(offset);
    if (this.encoding === 'utf-16') return p;
    const start = this.lines.lineStart(p.line);
    return { line: p.line, character: utf8Length(this.lines.text.slice(start, start + p.character)) };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  /** Whether `offset` is at `pos` (as `position` would say; in UTF-16 without making a position). */
  isAt(offset: number, pos: Position): boolean {
    if (this.encoding === 'utf-8') {
      const p = this.position(offset);
      return p.line === pos.line && p.character === pos.character;
    }
    const line = this.lines.lineOf(offset);
    return line === pos.line && offset - this.lines.lineStart(line) === pos.character;
  }

  /** Whether `range(start, end)` is `r`. */
  isRange(start: number, end: number, r: Range): boolean {
    return this.isAt(start, r.start) && this.isAt(Math.max(start, end), r.end);
  }

  /** The offset of an LSP position (clamped to its line, as LineIndex.offset does). */
  offset(pos: Position): number {
    if (this.encoding === 'utf-16') return this.lines.offset(pos);
    const line = Math.max(0, Math.min(pos.line, this.lines.lineCount - 1));
    return this.lines.offset({ line, character: utf16Column(this.lines.lineText(line), pos.character) });
  }
}

export function toSeverity(s: Severity): DiagnosticSeverity {
  switch (s) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'information':
      return DiagnosticSeverity.Information;
    case 'hint':
      return DiagnosticSeverity.Hint;
  }
}

export function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}
