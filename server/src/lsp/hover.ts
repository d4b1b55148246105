// Hover in a function body: the locks held before that line (must / may, with
// where each was taken) and, over a migration-protocol call, what the protocol
// requires there.
import { Hover, HoverParams, MarkupKind } from 'vscode-languageserver';
import type { FileAnalysis } from '../core/analyzer';
import type { CallSite } from '../core/syntax/expr';
import { toRange } from './convert';
import type { LockRef } from '../core/locks/analyze';
import { HeldSets, functionAt, heldBefore, takenAt } from './lockStates';

/** What the 2018 protocol requires at each call (xen-scheduler-protocol.md, "The migration protocol"). */
export const PROTOCOL_NOTES: Readonly<Record<string, string>> = {
  vcpu_migrate_start: "Requires the vCPU's scheduler lock held; sets `_VPF_migrating` and takes v off its runqueue in one critical section (`vcpu_sleep_nosync_locked`). Must be followed, on every path, by `vcpu_migrate_finish()` after the unlock.",
  sched_unit_migrate_start: "Requires the unit's scheduler lock held; sets `_VPF_migrating` on each of its vCPUs and takes them off their runqueue in one critical section. Must be followed, on every path, by `sched_unit_migrate_finish()` after the unlock.",
  vcpu_migrate_finish: 'Requires no scheduler lock held (it takes the old and new pCPU locks itself). Call it unconditionally after the unlock: it returns at once if v is running or `_VPF_migrating` is clear.',
  sched_unit_migrate_finish: 'Requires no scheduler lock held (it takes the old and new resource locks itself). Call it unconditionally after the unlock: it returns at once if the unit is running or the flag is clear.',
  vcpu_migrate: 'Old API (before 2018): must be preceded by `vcpu_sleep_nosync()`, or v may still sit on its old runqueue when `v->processor` changes. Since the fix: `vcpu_migrate_start()` under the lock, then `vcpu_migrate_finish()` after the unlock.',
  vcpu_sleep_nosync: 'Takes and releases the vCPU\'s scheduler lock. Around a migration this is the old, racy sequence: `vcpu_migrate_start()` already takes v off its runqueue under the lock.',
  set_bit: 'Setting `_VPF_migrating` by hand is the old initiator sequence: the flag write and the runqueue removal happen in different critical sections. Use `vcpu_migrate_start()` (with the vCPU\'s scheduler lock held) instead.',
};

function protocolNote(c: CallSite): string | undefined {
  if (c.name === 'set_bit') return c.args[0]?.text.includes('_VPF_migrating') ? PROTOCOL_NOTES.set_bit : undefined;
  return PROTOCOL_NOTES[c.name];
}

function list(s: HeldSets): string[] {
  const refs = (rs: LockRef[]): string => (rs.length ? rs.map((r) => `\`${r.name}\` (${takenAt(r)})`).join(', ') : '—');
  return [`- must (every path): ${refs(s.must)}`, `- may (some paths): ${refs(s.may)}`];
}

export function hover(file: FileAnalysis, offset: number): Hover | undefined {
  const fn = functionAt(file, offset);
  if (!fn || offset < fn.syntax.bodyStart || offset > fn.syntax.bodyEnd) return undefined;
  const line = file.lines.lineOf(offset);
  const held = heldBefore(file, fn, line);
  const parts = [`**Locks held before line ${line + 1}** in \`${fn.syntax.name}()\``, '', ...list(held)];
  let call: CallSite | undefined;
  for (const n of fn.cfg.nodes) {
    if (n.line > line || n.end < offset) continue;
    for (const c of n.facts.calls) if (c.nameStart <= offset && offset <= c.end && protocolNote(c) && (!call || c.start >= call.start)) call = c;
  }
  if (call) parts.push('', `**\`${call.name}()\`**: ${protocolNote(call)}`);
  const result: Hover = { contents: { kind: MarkupKind.Markdown, value: parts.join('\n') } };
  if (call) result.range = toRange(file.lines, call.nameStart, call.nameStart + call.name.length);
  return result;
}

export function provideHover(file: FileAnalysis, params: HoverParams): Hover | undefined {
  return hover(file, file.lines.offset(params.position));
}
