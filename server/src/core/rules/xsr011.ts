// XSR011 irq-inconsistent-lock: Xen's check_lock() rule, statically. A lock
// must always be taken with interrupts disabled (irq-safe) or always with
// them enabled: mixing the two can deadlock an IRQ-context rendezvous, and
// debug builds crash on it the first time both happen. Across the analysed
// files (a folder, or the one file), every site where the analysis knows the
// interrupt state votes (locks/irq.ts); the sites on the rarer side are
// reported, naming a site of the other. (A lock released with the other
// variant than it was taken with is not reported by itself: Xen hands an
// interrupts-off region from one lock to the next, `spin_lock_irq(a); …
// spin_unlock(a); spin_lock(b); … spin_unlock_irq(b)`; what goes wrong is
// interrupts turned on that a caller turned off, XSR012.)
import type { FileAnalysis } from '../analysis';
import type { CoreDiagnostic } from '../diagnostics';
import type { FunctionLocks } from '../locks/analyze';
import { originOf } from '../locks/origin';
import { staticLockScope } from '../syntax/staticLocks';
import { finding, lineNo } from './report';
import type { Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  code: 'XSR011',
  slug: 'irq-inconsistent-lock',
  severity: 'error',
  summary: 'One lock taken with interrupts enabled at one site and disabled at another, or taken and released with mismatched variants.',
};

/** Per function nothing: the rule compares sites across the files analysed together (checkFolder). */
function check(): CoreDiagnostic[] {
  return [];
}

interface Site {
  file: FileAnalysis;
  fn: FunctionLocks;
  lock: string;
  safe: boolean | undefined;
  start: number;
  end: number;
  via: string;
}

/**
 * Sites that take one lock: every scheduler lock is one class; a member path
 * is one lock within its file; a global is one lock, but a `static` one is
 * one per file, and one declared `static` inside a function is that
 * function's own (trace.c's and symbols.c's `static DEFINE_SPINLOCK(lock)`
 * are two locks). A lock named by a parameter or a local (`_spin_lock(lock)`)
 * is unknown: no identity.
 */
function identity(file: FileAnalysis, fn: FunctionLocks, lock: string): string | undefined {
  if (lock.startsWith('sched(')) return 'the scheduler locks';
  const name = lock.replace(/:[rw]$/, '').replace(/^&/, '');
  if (/->|\./.test(name)) return `${file.path}\u0000${name}`;
  const root = /^[A-Za-z_]\w*/.exec(name)?.[0];
  if (!root || fn.syntax.params.includes(root) || declaredNames(originOf(fn).base).has(root)) return undefined;
  const scope = staticLockScope(file, file.text, root, fn.syntax);
  if (scope === 'function') return `${file.path}\u0000${fn.syntax.name}\u0000${name}`;
  return scope === 'file' ? `${file.path}\u0000${name}` : name;
}

/** The names a function's statements declare, per result as computed (each of its lock sites asks). */
const declared = new WeakMap<FunctionLocks, ReadonlySet<string>>();
function declaredNames(fn: FunctionLocks): ReadonlySet<string> {
  let names = declared.get(fn);
  if (!names) {
    const out = new Set<string>();
    for (const n of fn.cfg.nodes) for (const d of n.declares ?? []) out.add(d);
    declared.set(fn, (names = out));
  }
  return names;
}

const where = (s: Site): string => `${s.file.path.split(/[\\/]/).pop()}:${lineNo(s.file, s.start)} (${s.fn.syntax.name}, ${s.via})`;

function checkFolder(files: readonly FileAnalysis[]): { file: FileAnalysis; diagnostics: CoreDiagnostic[] }[] {
  const byLock = new Map<string, Site[]>();
  for (const file of files)
    for (const fn of file.functions)
      for (const e of fn.irqEvents) {
        if (e.k !== 'irqAcquire' || e.kind === 'rcu') continue;
        const key = identity(file, fn, e.lock);
        if (key === undefined) continue;
        const list = byLock.get(key) ?? [];
        list.push({ file, fn, lock: e.lock, safe: e.safe, start: e.start, end: e.end, via: e.via });
        byLock.set(key, list);
      }
  const out = new Map<FileAnalysis, CoreDiagnostic[]>();
  for (const all of byLock.values()) {
    // A site known one way on some path is that way; a plain site never known is a hint of the lock's intent.
    const sites = all.filter((s) => s.safe !== undefined);
    const known = new Set(sites.map((s) => `${s.file.path}:${s.start}`));
    const plainUnknown = new Set(
      all.filter((s) => s.safe === undefined && !known.has(`${s.file.path}:${s.start}`)).map((s) => `${s.file.path}:${s.start}`),
    );
    const safe = sites.filter((s) => s.safe);
    const unsafe = sites.filter((s) => !s.safe);
    if (!safe.length || !unsafe.length) continue;
    // The rarer side is the odd one out. A tie is broken by the plain sites whose state is not known: the
    // author took the lock without disabling interrupts there, so it is meant not to be irq-safe and the
    // irq-safe sites are the odd ones (the AMD IOMMU's lone irqsave of pcidevs_lock, fixed in 4.7); without
    // such sites, the sites with interrupts enabled are reported.
    const safeOdd = safe.length < unsafe.length || (safe.length === unsafe.length && plainUnknown.size > 0);
    const [odd, usual] = safeOdd ? [safe, unsafe] : [unsafe, safe];
    const other = usual[0]!;
    for (const s of odd) {
      const how = s.safe ? 'disabled' : 'enabled';
      const usualHow = s.safe ? 'enabled' : 'disabled';
      const d = finding(meta, s.fn, {
        start: s.start,
        end: s.end,
        message: `${s.via}() takes ${s.lock} with interrupts ${how}, but ${usual.length} other site${usual.length === 1 ? '' : 's'} take${usual.length === 1 ? 's' : ''} it with interrupts ${usualHow} (e.g. ${where(other)}): a lock must be always irq-safe or never (Xen's check_lock() crashes debug builds on the mix, and it can deadlock an IRQ rendezvous)`,
        related: usual
          .filter((u) => u.file === s.file)
          .slice(0, 3)
          .map((u) => ({ start: u.start, end: u.end, message: `${u.lock} taken with interrupts ${usualHow} here` })),
      });
      const list = out.get(s.file) ?? [];
      list.push(d);
      out.set(s.file, list);
    }
  }
  return [...out].map(([file, diagnostics]) => ({ file, diagnostics }));
}

export const xsr011: Rule = { meta, check, checkFolder };
