// Fix-all's file-level step: where a file still defines the old
// `vcpu_migrate()` and no `vcpu_migrate_start()`, introduce the two helpers
// the 2018 fix introduced: the start (set the flag, then sleep the vCPU with
// the caller's lock held) just before it, and the old function renamed to the
// static `vcpu_migrate_finish()` with an early return while the vCPU runs or
// once the flag is clear.
import type { FileAnalysis } from '../analysis';
import type { TextEdit } from '../diagnostics';
import type { FunctionLocks } from '../locks/analyze';
import { tokenize } from '../syntax/tokens';
import { OLD_MIGRATE } from '../xen/migration';
import { Source } from './text';

export function needsHelpers(file: FileAnalysis): FunctionLocks | undefined {
  const names = new Set(file.functions.map((f) => f.syntax.name));
  if (names.has('vcpu_migrate_start') || names.has('vcpu_migrate_finish')) return undefined;
  return file.functions.find((f) => f.syntax.name === OLD_MIGRATE);
}

/** Calls to vcpu_migrate() left in `text` outside its own definition header (comments ignored). */
export function oldMigrateCallsLeft(text: string): number {
  const toks = tokenize(text);
  let n = 0;
  for (let i = 0; i + 1 < toks.length; i++) {
    if (toks[i]!.text !== OLD_MIGRATE || toks[i + 1]!.text !== '(') continue;
    // A definition or prototype: preceded by the return type `void`.
    if (toks[i - 1]?.text === 'void') continue;
    n++;
  }
  return n;
}

const DECL_START =
  /^(const|static|volatile|unsigned|signed|struct|union|enum|bool|bool_t|int|long|short|char|s_time_t|spinlock_t|cpumask_t|cpumask_var_t|[a-z_0-9]+_t)$/;

export function helperEdits(file: FileAnalysis, fn: FunctionLocks): TextEdit[] | undefined {
  const src = new Source(file.text);
  const v = fn.syntax.params[0];
  if (!v || fn.syntax.params.length !== 1) return undefined;
  const header = file.text.slice(fn.syntax.start, fn.syntax.bodyStart);
  const nameAt = new RegExp(`\\b${OLD_MIGRATE}\\b`).exec(header);
  if (!nameAt) return undefined;
  const edits: TextEdit[] = [];
  const defLine = src.lineStart(fn.syntax.start);
  edits.push({
    start: defLine,
    end: defLine,
    newText: [
      '/*',
      " * Starting a migration: called with the vCPU's scheduler lock held.  It",
      ' * marks the vCPU as migrating and puts it to sleep (off any runqueue) in',
      ' * the same critical section; after the unlock, vcpu_migrate_finish()',
      ' * moves it, or context_saved() does once it has been descheduled.',
      ' */',
      `void vcpu_migrate_start(struct vcpu *${v})`,
      '{',
      `    set_bit(_VPF_migrating, &${v}->pause_flags);`,
      `    vcpu_sleep_nosync_locked(${v});`,
      '}',
      '',
      '',
    ].join('\n'),
  });
  const nameStart = fn.syntax.start + nameAt.index;
  edits.push({ start: nameStart, end: nameStart + OLD_MIGRATE.length, newText: 'vcpu_migrate_finish' });
  if (!fn.syntax.isStatic) edits.push({ start: fn.syntax.start, end: fn.syntax.start, newText: 'static ' });
  // The early return goes after the local declarations, before the first statement.
  const first = fn.cfg.nodes
    .filter((n) => n.kind !== 'entry' && n.kind !== 'exit' && n.start > fn.syntax.bodyStart && n.start !== n.end)
    .sort((a, b) => a.start - b.start)
    .find((n) => !isDeclaration(file.text.slice(n.start, n.end)));
  if (!first || !src.startsLine(first.start)) return undefined;
  const ind = src.indentAt(first.start);
  const at = src.lineStart(first.start);
  edits.push({
    start: at,
    end: at,
    newText: [
      `${ind}/*`,
      `${ind} * Nothing to do while ${v} still runs (context_saved() will call this`,
      `${ind} * again once it is descheduled), or when the flag is already clear`,
      `${ind} * (someone else finished the move).`,
      `${ind} */`,
      `${ind}if ( ${v}->is_running || !test_bit(_VPF_migrating, &${v}->pause_flags) )`,
      `${ind}    return;`,
      '',
      '',
    ].join('\n'),
  });
  return edits;
}

function isDeclaration(stmt: string): boolean {
  const t = tokenize(stmt);
  if (t.length < 2 || t[0]!.kind !== 'ident') return false;
  if (!DECL_START.test(t[0]!.text))
    return (
      t[1]!.kind === 'ident' ||
      (t[1]!.text === '*' && t[2]?.kind === 'ident' && /^[A-Z_a-z]\w*$/.test(t[0]!.text) && /(_t|struct)$/.test(t[0]!.text))
    );
  return true;
}
