// What `xsr guards` prints and the editor shows of the lock discipline
// (core/guards): the lock map (each field, list head and global with its
// guard and the evidence), each lock's interrupt discipline, what each
// function requires and why, the learned lock order and its cycles, the entry
// points. The report is the `guards --format json` contract (1-based lines:
// it leaves the core as it is printed); the hover answers read the same data.
import type { FileAnalysis } from '../analysis';
import type { FunctionFacts } from '../guards/collect';
import { disciplineOf, type Guard, type LockDiscipline, type Requirement, type Site } from '../guards/discipline';
import { reportedUnguarded } from '../rules/xsr009';

interface SiteRef {
  path: string;
  /** 1-based. */
  line: number;
  column: number;
  function: string;
}

export interface GuardsReport {
  version: 1;
  guards: {
    location: string;
    guard: string;
    evidence: { held: number; total: number };
    unguarded: (SiteRef & { access: 'read' | 'write' | 'ref'; reported: boolean })[];
  }[];
  /**
   * Each lock's interrupt discipline: acquisitions with interrupts disabled,
   * enabled, unknown; a site of each side (both: Xen's check_lock() mix, XSR011).
   */
  locks: {
    lock: string;
    irq: { disabled: number; enabled: number; unknown: number };
    sites?: { disabled?: SiteRef; enabled?: SiteRef };
  }[];
  requires: { function: string; path: string; lock: string; why: 'assert' | 'name' | 'callers' | 'callee'; evidence: string }[];
  order: { outer: string; inner: string; sites: number; example: SiteRef & { via?: string } }[];
  cycles: { edges: { outer: string; inner: string; site: SiteRef }[] }[];
  entries: { function: string; kind: string; via: string; held: string[]; irqs: string; source: string; evidence: string }[];
  /** Locks known under another name (a scheduler's lock installed as the pCPU's scheduler lock). */
  aliases: { lock: string; is: string }[];
}

function ref(fn: FunctionFacts, offset: number): SiteRef {
  const p = fn.file.lineIndex.position(offset);
  return { path: fn.path, line: p.line + 1, column: p.character + 1, function: fn.name };
}

const byName =
  <T>(key: (t: T) => string) =>
  (a: T, b: T): number =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

export function guardsReport(files: readonly FileAnalysis[]): GuardsReport {
  const d = files[0] ? disciplineOf(files[0]) : undefined;
  const empty: GuardsReport = { version: 1, guards: [], locks: [], requires: [], order: [], cycles: [], entries: [], aliases: [] };
  if (!d) return empty;
  const reported = new Set<Site>();
  for (const g of d.guards) for (const s of reportedUnguarded(d, g)) reported.add(s);
  const site = (s: Site): GuardsReport['guards'][number]['unguarded'][number] => ({
    ...ref(s.fn, s.start),
    access: s.kind,
    reported: reported.has(s),
  });
  return {
    version: 1,
    guards: d.guards.map((g) => ({
      location: g.location,
      guard: g.lock,
      evidence: { held: g.held, total: g.total },
      unguarded: g.unguarded.map(site),
    })),
    locks: d.irqLocks().map((l) => {
      const out: GuardsReport['locks'][number] = { lock: l.lock, irq: { disabled: l.disabled, enabled: l.enabled, unknown: l.unknown } };
      if (l.firstDisabled || l.firstEnabled)
        out.sites = {
          ...(l.firstDisabled ? { disabled: ref(l.firstDisabled.fn, l.firstDisabled.start) } : {}),
          ...(l.firstEnabled ? { enabled: ref(l.firstEnabled.fn, l.firstEnabled.start) } : {}),
        };
      return out;
    }),
    requires: d.requires
      .map((r) => ({ function: r.fn.name, path: r.fn.path, lock: r.lock, why: r.why, evidence: r.evidence }))
      .sort(byName((r) => `${r.function}\u0000${r.lock}`)),
    order: d.order
      .map((e) => {
        const s = e.sites[0]!;
        return {
          outer: e.outer,
          inner: e.inner,
          sites: e.sites.length,
          example: { ...ref(s.fn, s.start), ...(s.via ? { via: s.via } : {}) },
        };
      })
      .sort(byName((e) => `${e.outer}\u0000${e.inner}`)),
    cycles: d.cycles.map((c) => ({
      edges: c.edges.map((e) => ({ outer: e.outer, inner: e.inner, site: ref(e.sites[0]!.fn, e.sites[0]!.start) })),
    })),
    entries: [...d.entries.values()]
      .flat()
      .map((e) => ({
        function: e.function,
        kind: e.kind,
        via: e.via,
        held: [...e.held],
        irqs: e.irqs,
        source: e.source,
        evidence: e.evidence,
      }))
      .sort(byName((e) => `${e.function}\u0000${e.via}`)),
    aliases: [...d.aliases].map(([lock, is]) => ({ lock, is })).sort(byName((a) => a.lock)),
  };
}

/** The report as text (`xsr guards`, the editor's lock map document). */
export function guardsText(r: GuardsReport): string {
  const out: string[] = [];
  const at = (s: SiteRef): string => `${s.path}:${s.line} ${s.function}`;
  out.push('Guards (each field, list head and global: the lock held at a clear majority of its accesses)');
  if (!r.guards.length) out.push('  (none learned)');
  for (const g of r.guards) {
    out.push(`  ${g.location}  <-  ${g.guard}  (held at ${g.evidence.held} of ${g.evidence.total} accesses)`);
    for (const u of g.unguarded) out.push(`      not held: ${at(u)} (${u.access})${u.reported ? '  [XSR009]' : ''}`);
  }
  out.push('', 'Requirements (what a caller must hold, and why)');
  if (!r.requires.length) out.push('  (none)');
  for (const q of r.requires) out.push(`  ${q.function}() requires ${q.lock === '*' ? 'a lock' : q.lock} [${q.why}]: ${q.evidence}`);
  out.push('', 'Lock order (outer -> inner: sites taking inner while holding outer)');
  if (!r.order.length) out.push('  (no nesting)');
  for (const e of r.order)
    out.push(
      `  ${e.outer} -> ${e.inner}  (${e.sites} site${e.sites === 1 ? '' : 's'}, e.g. ${at(e.example)}${e.example.via ? ` via ${e.example.via}()` : ''})`,
    );
  if (r.cycles.length) {
    out.push('', 'Cycles (XSR016)');
    for (const c of r.cycles) out.push(`  ${c.edges.map((e) => `${e.outer} -> ${e.inner} at ${at(e.site)}`).join('; ')}`);
  }
  if (r.aliases.length) {
    out.push('', 'Locks known by another name');
    for (const a of r.aliases) out.push(`  ${a.lock} is ${a.is} (installed as a pCPU's scheduler lock)`);
  }
  out.push('', "Locks and interrupts (how each lock is taken: Xen's check_lock() wants one way only)");
  if (!r.locks.length) out.push('  (no lock taken)');
  for (const l of r.locks) out.push(...lockIrqText(l, at));
  out.push('', 'Entry points (what they are entered holding)');
  if (!r.entries.length) out.push('  (none found)');
  for (const e of r.entries)
    out.push(
      `  ${e.function}  ${e.via} (${e.kind}): holds ${e.held.length ? e.held.join(', ') : 'nothing'}, IRQs ${e.irqs} [${e.source}: ${e.evidence}]`,
    );
  return out.join('\n');
}

/** `prv->lock  irqs off at 3 sites, on at 1, unknown at 2  [mixed: both ways]`, with a site of each side when it is mixed. */
function lockIrqText(l: GuardsReport['locks'][number], at: (s: SiteRef) => string): string[] {
  const n = (k: number): string => `${k} site${k === 1 ? '' : 's'}`;
  const parts = [
    ...(l.irq.disabled ? [`irqs off at ${n(l.irq.disabled)}`] : []),
    ...(l.irq.enabled ? [`irqs on at ${n(l.irq.enabled)}`] : []),
    ...(l.irq.unknown ? [`unknown at ${n(l.irq.unknown)}`] : []),
  ];
  const mixed = l.irq.disabled > 0 && l.irq.enabled > 0;
  const out = [`  ${l.lock}  ${parts.join(', ')}${mixed ? '  [mixed: both ways]' : ''}`];
  if (mixed && l.sites?.disabled && l.sites.enabled)
    out.push(`      irqs off: ${at(l.sites.disabled)}`, `      irqs on:  ${at(l.sites.enabled)}`);
  return out;
}

/** What a hover over an access of a field, list head or global says: its guard and the evidence. */
export interface FieldGuardInfo {
  location: string;
  start: number;
  end: number;
  guard?: { lock: string; held: number; total: number; heldHere: boolean };
  /** Accesses seen, when no lock guards it. */
  accesses: number;
}

/** What a hover over a function's name says: what it requires of its callers, and why. */
export interface FunctionRequirementInfo {
  function: string;
  start: number;
  end: number;
  requires: { lock: string; why: Requirement['why']; evidence: string }[];
}

function factsAt(file: FileAnalysis, offset: number): { d: LockDiscipline; f: FunctionFacts } | undefined {
  const d = disciplineOf(file);
  const fn = file.functions.find((x) => x.syntax.start <= offset && offset <= x.syntax.end);
  const f = d && fn ? d.factsOf(file, fn) : undefined;
  return d && f ? { d, f } : undefined;
}

export function fieldGuardAt(file: FileAnalysis, offset: number): FieldGuardInfo | undefined {
  const at = factsAt(file, offset);
  if (!at) return undefined;
  // The innermost access around the offset.
  const a = at.f.accesses.filter((x) => x.start <= offset && offset <= x.end).sort((x, y) => x.end - x.start - (y.end - y.start))[0];
  if (!a) return undefined;
  const sites = at.d.sitesOf(a.loc);
  const g: Guard | undefined = at.d.guardOf.get(a.loc);
  const here = sites.find((s) => s.fn === at.f && s.start === a.start);
  return {
    location: a.loc,
    start: a.start,
    end: a.end,
    accesses: sites.length,
    ...(g
      ? {
          guard: {
            lock: g.lock,
            held: g.held,
            total: g.total,
            heldHere: here ? here.held.has(g.lock) : at.f.heldAt(a.node).includes(g.lock),
          },
        }
      : {}),
  };
}

export function functionRequirementsAt(file: FileAnalysis, offset: number): FunctionRequirementInfo | undefined {
  const at = factsAt(file, offset);
  const d = at?.d ?? disciplineOf(file);
  if (!d) return undefined;
  // A call's name in a body, or the function's own name in its header.
  let name: string | undefined;
  let range: { start: number; end: number } | undefined;
  const call = at?.f.calls.find((c) => c.start <= offset && offset <= c.start + c.callee.length);
  if (call && at) {
    name = call.callee;
    range = { start: call.start, end: call.start + call.callee.length };
  } else {
    const own = file.functions.find((x) => x.syntax.start <= offset && offset < x.syntax.bodyStart);
    if (own) {
      const header = file.text.slice(own.syntax.start, own.syntax.bodyStart);
      const i = header.search(new RegExp(`\\b${own.syntax.name}\\s*\\(`));
      const start = own.syntax.start + i;
      if (i >= 0 && offset >= start && offset <= start + own.syntax.name.length) {
        name = own.syntax.name;
        range = { start, end: start + own.syntax.name.length };
      }
    }
  }
  if (!name || !range) return undefined;
  const from = at?.f.path ?? file.path;
  const reqs = d.requires.filter((r) => r.fn.name === name && (r.fn.path === from || !r.fn.isStatic));
  return { function: name, ...range, requires: reqs.map((r) => ({ lock: r.lock, why: r.why, evidence: r.evidence })) };
}
