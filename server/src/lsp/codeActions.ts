// Quick fixes (a finding's own edits) and the file's fix-all
// (`source.fixAll.xsr`). Every edit names the document version it was computed
// for (`documentChanges` with a VersionedTextDocumentIdentifier), so a client
// never applies it to another version. A client sends the findings it wants
// fixed back with their ranges; one that counts columns in another encoding
// than was negotiated still gets its fix: a finding is found by its exact
// range first, else by its code and lines.
import {
  type CodeAction,
  CodeActionKind,
  type CodeActionParams,
  type Diagnostic,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';

import type { AnalysedFile, CoreDiagnostic, TextEdit } from '../core/index';
import { type Positions, sameRange } from './convert';
import { toLspDiagnostic } from './diagnostics';
import type { FixAllFn } from './seams';

export const FIX_ALL_KIND = 'source.fixAll.xsr';

function versionedEdit(at: Positions, uri: string, version: number, edits: readonly TextEdit[]): WorkspaceEdit {
  const lsp: LspTextEdit[] = edits.map((e) => ({ range: at.range(e.start, e.end), newText: e.newText }));
  return { documentChanges: [{ textDocument: { uri, version }, edits: lsp }] };
}

const overlaps = (a: TextEdit, b: TextEdit): boolean => (a.start < b.end && b.start < a.end) || (a.start === b.start && a.end === b.end);

/** Without the fix module: every finding's own edits that do not overlap an earlier one. */
function ownEditsFixAll(file: AnalysedFile): { edits: TextEdit[]; skipped: string[] } {
  const edits: TextEdit[] = [];
  const skipped: string[] = [];
  for (const d of file.diagnostics) {
    if (!d.edits?.length) continue;
    if (d.edits.some((e) => edits.some((x) => overlaps(x, e)))) skipped.push(`${d.code} in ${d.function}(): overlaps another fix`);
    else edits.push(...d.edits);
  }
  return { edits: edits.sort((a, b) => a.start - b.start), skipped };
}

function wanted(only: string[] | undefined, kind: string): boolean {
  return !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
}

export interface CodeActionContextArgs {
  file: AnalysedFile;
  uri: string;
  version: number;
  at: Positions;
  fixAll?: FixAllFn | undefined;
}

/** The diagnostic the client sent back for a finding: same code and range, else same code and lines (another column encoding). */
function requestedFor(lsp: Diagnostic, sent: readonly Diagnostic[]): Diagnostic | undefined {
  const sameLines = (x: Diagnostic): boolean => x.range.start.line === lsp.range.start.line && x.range.end.line === lsp.range.end.line;
  return sent.find((x) => x.code === lsp.code && sameRange(x.range, lsp.range)) ?? sent.find((x) => x.code === lsp.code && sameLines(x));
}

export function codeActions(args: CodeActionContextArgs, params: CodeActionParams): CodeAction[] {
  const { file, uri, version, at } = args;
  const only = params.context.only;
  const out: CodeAction[] = [];
  if (wanted(only, CodeActionKind.QuickFix)) {
    for (const d of file.diagnostics) {
      if (!d.edits?.length) continue;
      const lsp = toLspDiagnostic(at, uri, d);
      const requested = requestedFor(lsp, Array.isArray(params.context?.diagnostics) ? params.context.diagnostics : []);
      if (!requested && !rangesTouch(lsp, params)) continue;
      out.push(quickFix(at, uri, version, d, requested ?? lsp));
    }
  }
  const fixable = file.diagnostics.some((d) => d.fixable);
  if (wanted(only, FIX_ALL_KIND) && (fixable || (only && only.length > 0))) {
    const res = (args.fixAll ?? ownEditsFixAll)(file);
    if (res.edits.length > 0) {
      const title = res.skipped.length
        ? `Fix all migration protocol issues (${res.skipped.length} skipped)`
        : 'Fix all migration protocol issues';
      out.push({ title, kind: FIX_ALL_KIND, edit: versionedEdit(at, uri, version, res.edits) });
    }
  }
  return out;
}

/**
 * The request's range is on one of the finding's lines: the fix is offered
 * anywhere on the line (where editors show the light bulb), also when the
 * client asks before it has the diagnostics to send back.
 */
function rangesTouch(d: Diagnostic, params: CodeActionParams): boolean {
  const r = params.range;
  if (!r?.start || !r.end) return false;
  return r.start.line <= d.range.end.line && d.range.start.line <= r.end.line;
}

function quickFix(at: Positions, uri: string, version: number, d: CoreDiagnostic, diagnostic: Diagnostic): CodeAction {
  return {
    title: d.fixTitle ?? `Fix ${d.code}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: true,
    edit: versionedEdit(at, uri, version, d.edits ?? []),
  };
}
