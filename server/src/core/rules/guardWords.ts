// How the lock-discipline rules (XSR009, XSR010, XSR015, XSR016) word what
// they found and where their evidence is: a site in another file of the run
// is a related location in that file.
import type { FileAnalysis } from '../analysis';
import type { CoreDiagnostic, Related } from '../diagnostics';
import type { FunctionFacts } from '../guards/collect';
import { disciplineOf, type LockDiscipline } from '../guards/discipline';

/** `struct csched_private.runq` → `csched_private.runq` (as the lock names read). */
export function locationLabel(location: string): string {
  return location.replace(/^(struct|union) /, '');
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** `csched_schedule (credit.c:1203)`, 1-based. */
export function siteLabel(fn: FunctionFacts, start: number): string {
  return `${fn.name} (${baseName(fn.path)}:${fn.file.lineIndex.lineOf(start) + 1})`;
}

/** A related location at `start`..`end` of `fn`'s file, seen from a finding in `from`. */
export function relatedAt(from: FileAnalysis, fn: FunctionFacts, start: number, end: number, message: string): Related {
  if (fn.file === from) return { start, end, message };
  const p = fn.file.lineIndex.position(start);
  return { start: 0, end: 0, message, elsewhere: { path: fn.file.path, line: p.line, character: p.character } };
}

/** Findings grouped per file, as checkFolder returns them. */
export class FolderFindings {
  private readonly by = new Map<FileAnalysis, CoreDiagnostic[]>();

  add(file: FileAnalysis, d: CoreDiagnostic): void {
    const list = this.by.get(file);
    if (list) list.push(d);
    else this.by.set(file, [d]);
  }

  shares(): { file: FileAnalysis; diagnostics: CoreDiagnostic[] }[] {
    return [...this.by].map(([file, diagnostics]) => ({ file, diagnostics }));
  }
}

/** The discipline of a run (the analyzer attached it to every file). */
export function runDiscipline(files: readonly FileAnalysis[]): LockDiscipline | undefined {
  return files[0] ? disciplineOf(files[0]) : undefined;
}

/** Per function nothing: these rules compare sites across the files analysed together (checkFolder). */
export function noFunctionFindings(): CoreDiagnostic[] {
  return [];
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The source text of an access, when it is short enough to quote. */
export function quote(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length <= 48 ? ` (\`${t}\`)` : '';
}
