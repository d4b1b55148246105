// Shared locations by access path. A location is an object plus a path of
// fields (`->credit`, `.state`, `[]`); objects are what pointers designate:
//   - a pointer parameter or local of struct type: by default one object per
//     struct type (two functions' `struct csched_private *prv` and `*p` are the
//     same object), or one per function and variable with `distinct`;
//   - per-CPU data (`per_cpu(schedule_data, cpu)`, `this_cpu(x)`): one object
//     per per-CPU variable (the CPU index is abstracted, like a pointer);
//   - globals: their name; the result of an accessor call: its name.
// Scalar locals and parameters are no locations: they are the thread's own.
// Names shown to users are the first spelling met (`prv->credit`).
//
// Interface: `Locations` (one per model) and `Scope` (one per function
// instance). A type oracle may later refine the types of pointer fields
// (`v->domain` is a `struct domain *`), so that `d->x` and `v->domain->x`
// meet; without it, nested paths are named from their root.
import type { CNode } from './cexpr';
import { type CType, type Decl, structName } from './decls';

/** What the type resolution of the core can tell about struct fields (optional; see the header). */
export interface TypeOracle {
  fieldType(struct: string, field: string): CType | undefined;
}

export type Place =
  /** A shared location: `key` identifies it, `display` names it. */
  | { kind: 'loc'; key: string; display: string }
  /** A thread-local variable (a scalar local or parameter, or a member of a local struct). */
  | { kind: 'local'; name: string };

/** Macros that name per-CPU data: `per_cpu(name, cpu)`, `this_cpu(name)`, … */
export const PER_CPU = new Set(['per_cpu', 'this_cpu', 'per_cpu_ptr', 'this_cpu_ptr']);

export class Locations {
  private readonly displays = new Map<string, string>();
  private readonly used = new Map<string, string>();

  constructor(readonly opts: { distinct: boolean; types?: TypeOracle } = { distinct: false }) {}

  /** The display name of a key: the first spelling met, made unique when two keys read the same. */
  name(key: string, spelling: string, fn: string): string {
    const known = this.displays.get(key);
    if (known !== undefined) return known;
    let display = spelling;
    const other = this.used.get(display);
    if (other !== undefined && other !== key) display = `${spelling} (${fn})`;
    this.displays.set(key, display);
    this.used.set(display, key);
    return display;
  }

  /** The key a user's spelling names, if some location was named so. */
  keyOfDisplay(display: string): string | undefined {
    return this.used.get(display);
  }
}

export interface ScopeOptions {
  /** The function (for distinct objects and display disambiguation). */
  fn: string;
  /** Parameters and locals with their types. */
  decls: ReadonlyMap<string, Decl>;
  /** Inlining: a parameter bound to the caller's object (its key) or to a caller's local. */
  bindings?: ReadonlyMap<string, { object: string } | { local: string }>;
  /** Names that are constants (#define'd numbers, enumerators) rather than globals. */
  isConstant(name: string): boolean;
}

export class Scope {
  constructor(
    private readonly locs: Locations,
    private readonly o: ScopeOptions,
    private readonly text: (n: CNode) => string,
  ) {}

  get fn(): string {
    return this.o.fn;
  }

  /** The declaration of a local or parameter. */
  decl(name: string): Decl | undefined {
    return this.o.decls.get(name);
  }

  /**
   * The place an lvalue (or an rvalue read from memory) denotes; undefined for
   * what is no place (a call's result, a constant). `spelling` names a place
   * the code only implies (`v->processor` inside vcpu_schedule_lock(v)).
   */
  place(n: CNode, spelling?: string): Place | undefined {
    const p = this.placeOf(n);
    if (spelling === undefined || p?.kind !== 'loc') return p;
    return { kind: 'loc', key: p.key, display: this.locs.name(p.key, spelling, this.o.fn) };
  }

  private placeOf(n: CNode): Place | undefined {
    switch (n.k) {
      case 'id': {
        const bound = this.o.bindings?.get(n.name);
        if (bound && 'local' in bound) return { kind: 'local', name: bound.local };
        if (this.o.decls.has(n.name)) return { kind: 'local', name: n.name };
        if (this.o.isConstant(n.name)) return undefined;
        return this.loc(`global:${n.name}`, n);
      }
      case 'member': {
        if (n.arrow) {
          const obj = this.objectOf(n.obj);
          return obj === undefined ? undefined : this.loc(`${obj}->${n.field}`, n);
        }
        const base = this.placeOrObject(n.obj);
        if (!base) return undefined;
        if (base.kind === 'local') return base;
        return this.loc(`${base.key}.${n.field}`, n);
      }
      case 'index': {
        const base = this.placeOrObject(n.obj);
        if (!base) return undefined;
        if (base.kind === 'local') {
          // A pointer or array local: its elements live elsewhere.
          const d = this.o.decls.get(base.name);
          if (d && (d.type.pointer > 0 || d.type.array)) return this.loc(`${this.rootObject(base.name, d)}[]`, n);
          return base;
        }
        return this.loc(`${base.key}[]`, n);
      }
      case 'unary':
        if (n.op === '*') {
          const obj = this.objectOf(n.a);
          return obj === undefined ? undefined : this.loc(`${obj}*`, n);
        }
        return undefined;
      case 'cast':
        return this.place(n.a);
      default:
        return undefined;
    }
  }

  /** A place, or for a per-CPU accessor (a struct value) its object as a place-like base. */
  private placeOrObject(n: CNode): { kind: 'loc'; key: string } | { kind: 'local'; name: string } | undefined {
    if (n.k === 'call' && PER_CPU.has(n.name)) return { kind: 'loc', key: this.perCpu(n) };
    const p = this.place(n);
    return p;
  }

  /** The object a pointer expression designates (its key), or undefined. */
  objectOf(n: CNode): string | undefined {
    switch (n.k) {
      case 'id': {
        const bound = this.o.bindings?.get(n.name);
        if (bound && 'object' in bound) return bound.object;
        const d = this.o.decls.get(n.name);
        if (d) return this.rootObject(n.name, d);
        if (this.o.isConstant(n.name)) return undefined;
        return `global:${n.name}`;
      }
      case 'call':
        if (PER_CPU.has(n.name)) return this.perCpu(n);
        return `call:${n.name}`;
      case 'unary':
        if (n.op === '&') {
          const p = this.place(n.a);
          return p?.kind === 'loc' ? p.key : undefined;
        }
        if (n.op === '*') return this.place(n)?.kind === 'loc' ? (this.place(n) as { key: string }).key : undefined;
        return undefined;
      case 'cast':
        return this.objectOf(n.a);
      case 'member':
      case 'index': {
        // A pointer stored in a field: the object is named by that field's location (unless the oracle knows its type).
        const p = this.place(n);
        if (p?.kind !== 'loc') return undefined;
        const typed = n.k === 'member' ? this.fieldObject(n) : undefined;
        return typed ?? p.key;
      }
      default:
        return undefined;
    }
  }

  /** The object a pointer variable designates: by struct type (default), or its own with `distinct`. */
  rootObject(name: string, d: Decl): string {
    if (this.locs.opts.distinct) return `${this.o.fn}:${name}`;
    const s = structName(d.type);
    if (s) return `struct ${s}`;
    if (d.type.base) return `${d.type.base}${'*'.repeat(Math.max(0, d.type.pointer - 1))}`;
    return `${this.o.fn}:${name}`;
  }

  private fieldObject(n: Extract<CNode, { k: 'member' }>): string | undefined {
    const oracle = this.locs.opts.types;
    if (!oracle || this.locs.opts.distinct) return undefined;
    const owner = n.obj.k === 'id' ? this.o.decls.get(n.obj.name) : undefined;
    const s = owner ? structName(owner.type) : undefined;
    const t = s ? oracle.fieldType(s, n.field) : undefined;
    const target = t && t.pointer > 0 ? structName(t) : undefined;
    return target ? `struct ${target}` : undefined;
  }

  private perCpu(n: Extract<CNode, { k: 'call' }>): string {
    const name = n.args[0] ? this.text(n.args[0]) : '?';
    return `percpu:${name}`;
  }

  private loc(key: string, n: CNode): Place {
    return { kind: 'loc', key, display: this.synthetic.has(n) ? '' : this.locs.name(key, this.text(n), this.o.fn) };
  }

  /** Nodes the translation made up (their text is not the code's): named by the caller's spelling. */
  private readonly synthetic = new WeakSet<CNode>();

  /** A member access the code implies (`v->processor` of a lock helper's `v`), named `spelling`. */
  implied(obj: CNode, field: string, spelling: string): Place | undefined {
    const n: CNode = { k: 'member', obj, field, arrow: true, start: obj.start, end: obj.end };
    this.synthetic.add(n);
    return this.place(n, spelling);
  }
}
