// Fix-all: every quick fix of a file's diagnostics, without overlapping
// edits, plus the file-level helper introduction (helpers.ts). Used by
// `xsr fix` and by the language server's source.fixAll. Functions whose parse
// has errors are left alone (their findings are only conservative).
import type { FileAnalysis } from '../analysis';
import type { TextEdit } from '../diagnostics';
import { helperEdits, needsHelpers, oldMigrateCallsLeft } from './helpers';
import { applyEdits, eolOf, overlaps, withEol } from './text';

export { applyEdits } from './text';

export interface FixAllResult {
  edits: TextEdit[];
  /** One sentence per fix not applied, naming the function and why. */
  skipped: string[];
}

export function fixAll(file: FileAnalysis): FixAllResult {
  const edits: TextEdit[] = [];
  const skipped: string[] = [];
  const broken = new Set(file.functions.filter((f) => f.cfg.hasError || f.syntax.hasError).map((f) => f.syntax.name));
  const reported = new Set<string>();
  const line = (o: number): number => file.lineIndex.lineOf(o) + 1;
  for (const d of [...file.diagnostics].sort((a, b) => a.start - b.start)) {
    if (!d.edits?.length) continue;
    if (broken.has(d.function)) {
      if (!reported.has(d.function)) skipped.push(`${d.function}: left alone, the function has parse errors (line ${line(d.start)})`);
      reported.add(d.function);
      continue;
    }
    if (d.edits.some((e) => edits.some((x) => overlaps(e, x)))) {
      skipped.push(`${d.function}: the ${d.code} fix at line ${line(d.start)} overlaps another fix; run the fix again`);
      continue;
    }
    edits.push(...d.edits);
  }
  if (eolOf(file.text) === '\r') return { edits: [], skipped: ['the file ends its lines with a lone CR: no fix is applied'] };
  const old = needsHelpers(file);
  if (old && edits.length > 0) {
    const left = oldMigrateCallsLeft(applyEdits(file.text, edits));
    const helpers = left === 0 ? helperEdits(file, old) : undefined;
    if (left > 0)
      skipped.push(`vcpu_migrate: not renamed to vcpu_migrate_finish, ${left} call${left === 1 ? '' : 's'} to it remain unfixed`);
    else if (!helpers || helpers.some((e) => edits.some((x) => overlaps(e, x))))
      skipped.push('vcpu_migrate: the vcpu_migrate_start/vcpu_migrate_finish helpers could not be introduced automatically');
    else edits.push(...withEol(helpers, eolOf(file.text)));
  }
  return { edits: edits.sort((a, b) => a.start - b.start || a.end - b.end), skipped };
}
