// "Simulate interleavings" above each function that starts or finishes a
// migration, calls the old vcpu_migrate(), or uses the old sequence
// (set_bit(_VPF_migrating…) followed by vcpu_sleep_nosync()/vcpu_migrate()).
import { CodeLens } from 'vscode-languageserver';
import type { FileAnalysis } from '../core/analyzer';
import type { FunctionLocks } from '../core/locks/analyze';
import type { CallSite } from '../core/syntax/expr';
import { toRange } from './convert';

export const SIMULATE_COMMAND = 'xsr.simulate';

function calls(fn: FunctionLocks): CallSite[] {
  return fn.cfg.nodes.flatMap((n) => n.facts.calls).sort((a, b) => a.start - b.start);
}

export function isMigrationFunction(fn: FunctionLocks): boolean {
  const cs = calls(fn);
  if (cs.some((c) => /_migrate_(start|finish)$/.test(c.name) || c.name === 'vcpu_migrate')) return true;
  const flag = cs.find((c) => c.name === 'set_bit' && (c.args[0]?.text ?? '').includes('_VPF_migrating'));
  return !!flag && cs.some((c) => c.start > flag.start && (c.name === 'vcpu_sleep_nosync' || c.name === 'vcpu_migrate'));
}

export function codeLenses(file: FileAnalysis, uri: string): CodeLens[] {
  return file.functions.filter(isMigrationFunction).map((fn) => {
    const line = file.lines.lineOf(fn.syntax.start);
    return {
      range: toRange(file.lines, file.lines.lineStart(line), file.lines.lineStart(line)),
      command: { title: 'Simulate interleavings', command: SIMULATE_COMMAND, arguments: [uri, fn.syntax.name] },
    };
  });
}
