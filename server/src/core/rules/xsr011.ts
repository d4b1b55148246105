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
import type { IrqEvent } from '../locks/irq';
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

/** A lock taken, in the function and file it is taken in (the event says how: its lock, state, range and call). */
interface Site {
  file: FileAnalysis;
  fn: FunctionLocks;
  e: Extract<IrqEvent, { k: 'irqAcquire' }>;
}

/**
 * Sites that take one lock: every scheduler lock is one class; a member path
 * is one lock within its file; a global is one lock, but a `static` one is
 * one per file, and one declared `static` inside a function is that
 * function's own (trace.c's and symbols.c's `static DEFINE_SPINLOCK(lock)`
 * are two locks). A lock named by a parameter or a local (`_spin_lock(lock)`)
 * is unknown: no identity.
 *
 * What a site's identity reads beyond the file's static locks: the answer
 * (`root` undefined), or the global's root name, whose static scope decides
 * between the three keys it may have (identityIn).
 */
interface IdentityPart {
  key: string | undefined;
  root: string | undefined;
  inFunction: string;
  inFile: string;
}

function identityPart(path: string, fn: FunctionLocks, lock: string): IdentityPart {
  if (lock.startsWith('sched(')) return { key: 'the scheduler locks', root: undefined, inFunction: '', inFile: '' };
  const name = lock.replace(/:[rw]$/, '').replace(/^&/, '');
  if (/->|\./.test(name)) return { key: `${path}\u0000${name}`, root: undefined, inFunction: '', inFile: '' };
  const root = /^[A-Za-z_]\w*/.exec(name)?.[0];
  if (!root || fn.syntax.params.includes(root) || declaredNames(fn).has(root))
    return { key: undefined, root: undefined, inFunction: '', inFile: '' };
  return { key: name, root, inFunction: `${path}\u0000${fn.syntax.name}\u0000${name}`, inFile: `${path}\u0000${name}` };
}

/** The identity a part stands for in `file`, where its static locks are now. */
function identityIn(file: FileAnalysis, fn: FunctionLocks, part: IdentityPart): string | undefined {
  if (part.root === undefined) return part.key;
  const scope = staticLockScope(file, file.text, part.root, fn.syntax);
  return scope === 'function' ? part.inFunction : scope === 'file' ? part.inFile : part.key;
}

/**
 * Each interrupt event's identity part (undefined for what is not a vote: not
 * an acquire, or an RCU one), per result as computed and path. A moved view's
 * events are its result's, shifted, in the same order; the parts are what
 * does not depend on where the function sits, nor on the file's static locks.
 * Worked out for every site of every function on every edit, their strings
 * were most of this rule's garbage.
 */
const partsOf = new WeakMap<FunctionLocks, { path: string; parts: readonly (IdentityPart | undefined)[] }>();

function identityParts(file: FileAnalysis, fn: FunctionLocks): readonly (IdentityPart | undefined)[] {
  const { base } = originOf(fn);
  const known = partsOf.get(base);
  if (known && known.path === file.path && known.parts.length === fn.irqEvents.length) return known.parts;
  const parts = fn.irqEvents.map((e) => (e.k === 'irqAcquire' && e.kind !== 'rcu' ? identityPart(file.path, base, e.lock) : undefined));
  partsOf.set(base, { path: file.path, parts });
  return parts;
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

/**
 * Some plain site of the lock (its interrupt state never known) is at no
 * place (file and start) where a site is known one way: what breaks a tie.
 * Asked on a tie only (the places of every lock's sites were sets of strings
 * made on every edit).
 */
function plainUnknown(all: readonly Site[]): boolean {
  const known = new Map<string, Set<number>>();
  for (const s of all) {
    if (s.e.safe === undefined) continue;
    let at = known.get(s.file.path);
    if (!at) known.set(s.file.path, (at = new Set()));
    at.add(s.e.start);
  }
  return all.some((s) => s.e.safe === undefined && !known.get(s.file.path)?.has(s.e.start));
}

const where = (s: Site): string => `${s.file.path.split(/[\\/]/).pop()}:${lineNo(s.file, s.e.start)} (${s.fn.syntax.name}, ${s.e.via})`;

/**
 * The sites of a lock taken both ways that its findings read: on a tie (which
 * side is odd depends on its plain sites) all of them; else the odd side's
 * sites, and the first three of the usual side's in each file (what a
 * finding names). Most of a lock's sites are on the usual side (every
 * scheduler lock is one lock), and are not kept.
 */
interface Group {
  safe: number;
  unsafe: number;
  all: Site[] | undefined;
  odd: Site[];
  usual: Site[];
  perFile: Map<FileAnalysis, number>;
}

function addSite(g: Group, s: Site): void {
  if (g.all) {
    g.all.push(s);
    return;
  }
  if (s.e.safe === undefined) return;
  if (s.e.safe === g.safe < g.unsafe) {
    g.odd.push(s);
    return;
  }
  const n = g.perFile.get(s.file) ?? 0;
  if (n >= 3) return;
  g.usual.push(s);
  g.perFile.set(s.file, n + 1);
}

function checkFolder(files: readonly FileAnalysis[]): { file: FileAnalysis; diagnostics: CoreDiagnostic[] }[] {
  // Each lock site's identity in order (undefined: none), and per lock how many sites take it with interrupts known
  // off and on. Most locks are taken one way only (no finding): sites are made only for those taken both ways (on an
  // edit, sites for every lock, and sets of their places, were most of this rule's garbage).
  const keys: (string | undefined)[] = [];
  const counts = new Map<string, { safe: number; unsafe: number }>();
  let mixed = 0;
  for (const file of files)
    for (const fn of file.functions) {
      if (fn.irqEvents.length === 0) continue;
      const parts = identityParts(file, fn);
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i];
        const e = fn.irqEvents[i]!;
        if (!part || e.k !== 'irqAcquire') continue;
        const key = identityIn(file, fn, part);
        keys.push(key);
        if (key === undefined || e.safe === undefined) continue;
        let c = counts.get(key);
        if (!c) counts.set(key, (c = { safe: 0, unsafe: 0 }));
        const was = c.safe > 0 && c.unsafe > 0;
        if (e.safe) c.safe++;
        else c.unsafe++;
        if (!was && c.safe > 0 && c.unsafe > 0) mixed++;
      }
    }
  if (mixed === 0) return [];
  // The locks taken both ways, in the order of their first site of any kind; the sites again in the same order
  // (identityParts' vote: an acquire that is not an RCU one).
  const groups = new Map<string, Group>();
  let j = 0;
  for (const file of files)
    for (const fn of file.functions)
      for (let i = 0; i < fn.irqEvents.length; i++) {
        const e = fn.irqEvents[i]!;
        if (e.k !== 'irqAcquire' || e.kind === 'rcu') continue;
        const key = keys[j++];
        const c = key === undefined ? undefined : counts.get(key);
        if (!c || c.safe === 0 || c.unsafe === 0) continue;
        let g = groups.get(key!);
        if (!g)
          groups.set(
            key!,
            (g = { safe: c.safe, unsafe: c.unsafe, all: c.safe === c.unsafe ? [] : undefined, odd: [], usual: [], perFile: new Map() }),
          );
        addSite(g, { file, fn, e });
      }
  const out = new Map<FileAnalysis, CoreDiagnostic[]>();
  for (const g of groups.values()) {
    // A site known one way on some path is that way; a plain site never known is a hint of the lock's intent.
    // The rarer side is the odd one out. A tie is broken by the plain sites whose state is not known: the
    // author took the lock without disabling interrupts there, so it is meant not to be irq-safe and the
    // irq-safe sites are the odd ones (the AMD IOMMU's lone irqsave of pcidevs_lock, fixed in 4.7); without
    // such sites, the sites with interrupts enabled are reported.
    let odd = g.odd;
    let usual = g.usual;
    let usualCount = g.safe < g.unsafe ? g.unsafe : g.safe;
    if (g.all) {
      const safe = g.all.filter((s) => s.e.safe === true);
      const unsafe = g.all.filter((s) => s.e.safe === false);
      [odd, usual] = plainUnknown(g.all) ? [safe, unsafe] : [unsafe, safe];
      usualCount = usual.length;
    }
    const other = usual[0]!;
    for (const s of odd) {
      const how = s.e.safe ? 'disabled' : 'enabled';
      const usualHow = s.e.safe ? 'enabled' : 'disabled';
      const d = finding(meta, s.fn, {
        start: s.e.start,
        end: s.e.end,
        message: `${s.e.via}() takes ${s.e.lock} with interrupts ${how}, but ${usualCount} other site${usualCount === 1 ? '' : 's'} take${usualCount === 1 ? 's' : ''} it with interrupts ${usualHow} (e.g. ${where(other)}): a lock must be always irq-safe or never (Xen's check_lock() crashes debug builds on the mix, and it can deadlock an IRQ rendezvous)`,
        related: usual
          .filter((u) => u.file === s.file)
          .slice(0, 3)
          .map((u) => ({ start: u.e.start, end: u.e.end, message: `${u.e.lock} taken with interrupts ${usualHow} here` })),
      });
      const list = out.get(s.file) ?? [];
      list.push(d);
      out.set(s.file, list);
    }
  }
  return [...out].map(([file, diagnostics]) => ({ file, diagnostics }));
}

export const xsr011: Rule = { meta, check, checkFolder };
