// Fixes for the old migration API. XSR001: the flag write(s) become the start
// (in place, keeping their condition; several writes in one critical section
// become one start before the unlock, under the condition that tells them
// apart, as Xen's 2018 fix did with `if ( ret == 0 )`), and the re-check, the
// sleep and the migrate become one unconditional finish where the old block
// stood. XSR008: a flag-tested `vcpu_migrate()` becomes an unconditional finish.
import type { FileAnalysis } from '../analysis';
import type { CfgNode } from '../cfg/types';
import type { TextEdit } from '../diagnostics';
import type { FunctionLocks } from '../locks/analyze';
import { type OldSequence, sequenceTarget } from '../migration/oldSequence';
import { type FlagWrite, type Graph, graphOf, isMigratingTest, opsAt } from '../migration/view';
import { canonicalText } from '../syntax/tokens';
import { finishName, type MigrationOpKind, startName } from '../xen/migration';
import { codeOutside, commentLines, ifStatementAt, Source } from './text';

export function fixOldSequence(file: FileAnalysis, fn: FunctionLocks, seq: OldSequence): TextEdit[] | undefined {
  const src = new Source(file.text);
  const start = startName(seq.era);
  const target = seq.era === 'unit' ? sequenceTarget(seq) : undefined;
  const edits: TextEdit[] = [];
  const starts = startEdits(src, fn, seq, (w) => `${start}(${target ?? w.entity});`);
  if (!starts) return undefined;
  edits.push(...starts);
  const finish = finishEdits(src, seq, `${finishName(seq.era)}(${target ?? seq.entity});`);
  if (!finish) return undefined;
  edits.push(...finish);
  return edits;
}

/** The statement is exactly the flag write (nothing else to preserve). */
function plainWrite(text: string, w: FlagWrite): boolean {
  const stmt = canonicalText(text.slice(w.node.start, w.node.end));
  const write = canonicalText(text.slice(w.start, w.end));
  return stmt === `${write};`;
}

function startEdits(src: Source, fn: FunctionLocks, seq: OldSequence, call: (w: FlagWrite) => string): TextEdit[] | undefined {
  if (!seq.writes.every((w) => plainWrite(src.text, w))) return undefined;
  if (seq.writes.length > 1) {
    const merged = mergedStart(src, fn, seq, call(seq.writes[0]!));
    if (merged) return merged;
  }
  return seq.writes.map((w) => ({ start: w.node.start, end: w.node.end, newText: call(w) }));
}

const LITERAL = /^(-?\d+|-E[A-Z0-9]+|NULL|true|false)$/;

/**
 * Several writes in one critical section: when each sits beside the same
 * `VAR = CONST` and nothing else gives VAR that value, one start under
 * `if ( VAR == CONST )` just before the unlock is equivalent.
 */
function mergedStart(src: Source, fn: FunctionLocks, seq: OldSequence, call: string): TextEdit[] | undefined {
  if (seq.unlocks.length !== 1) return undefined;
  const unlock = seq.unlocks[0]!;
  if (!src.startsLine(unlock.start)) return undefined;
  const g = graphOf(fn);
  let common: Set<string> | undefined;
  const siblings = new Map<number, Set<number>>();
  for (const w of seq.writes) {
    const block = straightLine(g, w.node);
    siblings.set(w.node.id, block);
    const here = new Set<string>();
    for (const id of block)
      for (const a of g.node(id).facts.assignments)
        if (/^[A-Za-z_]\w*$/.test(a.lhs) && a.op === '=' && LITERAL.test(a.rhs)) here.add(`${a.lhs}=${a.rhs}`);
    common = common ? new Set([...common].filter((x) => here.has(x))) : here;
  }
  const inBlocks = new Set([...siblings.values()].flatMap((s) => [...s]));
  for (const cand of common ?? []) {
    const [v, c] = cand.split('=') as [string, string];
    // Every other assignment of v is a different literal, so v == c exactly on the paths that wrote the flag.
    const ok = fn.cfg.nodes.every(
      (n) => inBlocks.has(n.id) || n.facts.assignments.every((a) => a.lhs !== v || (LITERAL.test(a.rhs) && a.rhs !== c)),
    );
    if (!ok) continue;
    const edits: TextEdit[] = [];
    const comments: string[] = [];
    for (const w of seq.writes) {
      const lines = src.wholeLines(w.node.start, w.node.end);
      if (!lines) return undefined;
      comments.push(...lines.comments);
      edits.push({ start: lines.start, end: lines.end, newText: '' });
    }
    const ind = src.indentAt(unlock.start);
    const note = comments.length ? ' ' + comments.join(' ') : '';
    edits.push({
      start: src.lineStart(unlock.start),
      end: src.lineStart(unlock.start),
      newText: `${ind}if ( ${v} == ${c} )\n${ind}    ${call}${note}\n\n`,
    });
    return edits;
  }
  return undefined;
}

/** The node and its straight-line neighbours (same basic block of statements). */
function straightLine(g: Graph, node: CfgNode): Set<number> {
  const out = new Set<number>([node.id]);
  let cur = node;
  while (cur.succ.length === 1) {
    const nx = g.node(cur.succ[0]!.to);
    if (nx.kind !== 'stmt' || g.preds[nx.id]!.length !== 1 || out.has(nx.id)) break;
    out.add(nx.id);
    cur = nx;
  }
  cur = node;
  while (g.preds[cur.id]!.length === 1) {
    const pv = g.node(g.preds[cur.id]![0]!);
    if (pv.kind !== 'stmt' || pv.succ.length !== 1 || out.has(pv.id)) break;
    out.add(pv.id);
    cur = pv;
  }
  return out;
}

function finishEdits(src: Source, seq: OldSequence, finish: string): TextEdit[] | undefined {
  const m = seq.migrate;
  // The statement is exactly the call (nothing else to preserve).
  const plain = (n: CfgNode, kind: MigrationOpKind): boolean => {
    const op = opsAt(n, kind)[0];
    return !!op && canonicalText(src.text.slice(n.start, n.end)) === canonicalText(src.text.slice(op.start, op.end)) + ';';
  };
  if (!plain(m, 'oldMigrate') || !seq.sleeps.every((s) => plain(s, 'sleep'))) return undefined;
  if (seq.recheck) {
    const st = ifStatementAt(src, seq.recheck.start, seq.recheck.end);
    if (!st) return undefined;
    const inside = [m, ...seq.sleeps].filter((n) => n.start >= st.bodyStart && n.end <= st.bodyEnd);
    if (!inside.includes(m) || codeOutside(src.text, st.bodyStart, st.bodyEnd, inside)) return undefined;
    const outside = seq.sleeps.filter((s) => !inside.includes(s));
    const ind = src.indentAt(st.ifStart);
    const comments = src.commentsIn(st.bodyStart, st.bodyEnd);
    const after = src.trailing(st.end);
    if (!after) return undefined;
    const edits: TextEdit[] = [
      {
        start: src.lineStart(st.ifStart),
        end: src.nextLineStart(st.end),
        newText: commentLines([...comments, ...after], ind) + `${ind}${finish}\n`,
      },
    ];
    for (const s of outside) {
      const e = deleteStatement(src, s);
      if (!e) return undefined;
      edits.push(e);
    }
    return edits;
  }
  const edits: TextEdit[] = [];
  for (const s of seq.sleeps) {
    const e = deleteStatement(src, s);
    if (!e) return undefined;
    edits.push(e);
  }
  edits.push({ start: m.start, end: m.end, newText: finish });
  return edits;
}

/** Deletes a statement's whole lines; its trailing comments stay, on their own line. */
export function deleteStatement(src: Source, n: { start: number; end: number }): TextEdit | undefined {
  const lines = src.wholeLines(n.start, n.end);
  if (!lines) return undefined;
  const ind = src.indentAt(n.start);
  return { start: lines.start, end: lines.end, newText: commentLines(lines.comments, ind) };
}

/** XSR008: `if ( …migrating… ) vcpu_migrate(x);` -> `vcpu_migrate_finish(x);`; an unguarded call is renamed. */
export function fixStrayMigrate(file: FileAnalysis, fn: FunctionLocks, m: CfgNode): { edits: TextEdit[]; name: string } | undefined {
  const src = new Source(file.text);
  const call = opsAt(m, 'oldMigrate')[0]!;
  const arg = call.entity;
  const unit = /^(.+)->vcpu_list$/.exec(arg);
  const unitEra = unit && /\bsched_unit\b/.test(file.text.slice(fn.syntax.start, fn.syntax.end));
  const name = unitEra ? 'sched_unit_migrate_finish' : 'vcpu_migrate_finish';
  const callText = unitEra ? `${name}(${unit![1]})` : `${name}(${argText(src.text, m, call.start)})`;
  if (canonicalText(src.text.slice(m.start, m.end)) !== canonicalText(src.text.slice(call.start, call.end)) + ';') return undefined;
  const g = graphOf(fn);
  const guard = g.preds[m.id]!.map((id) => g.node(id)).find(
    (p) => isMigratingTest(file, p) && p.succ.some((e) => e.to === m.id && e.branch === true),
  );
  if (!guard) {
    if (g.reaching(m.id).size > 0 && [...g.reaching(m.id)].some((id) => isMigratingTest(file, g.node(id)))) return undefined;
    return { edits: [{ start: call.start, end: call.end, newText: callText }], name };
  }
  const st = ifStatementAt(src, guard.start, guard.end);
  if (!st || codeOutside(src.text, st.bodyStart, st.bodyEnd, [m])) return undefined;
  const after = src.trailing(st.end);
  if (!after) return undefined;
  const ind = src.indentAt(st.ifStart);
  const comments = [...src.commentsIn(st.bodyStart, st.bodyEnd), ...after];
  return {
    name,
    edits: [
      {
        start: src.lineStart(st.ifStart),
        end: src.nextLineStart(st.end),
        newText: commentLines(comments, ind) + `${ind}${callText};\n`,
      },
    ],
  };
}

/** The first argument's original text of the call starting at `start` in the node. */
function argText(text: string, node: CfgNode, start: number): string {
  const a = node.facts.calls.find((c) => c.start === start)?.args[0];
  return a ? text.slice(a.start, a.end) : '';
}
