// What every thread's translation shares: the file, the location naming, the
// mode (is the Xen scheduler model in play?), the constants of the file, which
// locations are modelled, and what the translations learn about locations
// (list elements, pCPU numbers) and locks (spin or rw) on the way.
import type { FileAnalysis } from '../analysis';
import { HelperTable } from '../xen/lockHelpers';
import type { Locations } from './locations';

export interface LocationInfo {
  key: string;
  /** What the location holds when that is known from its use. */
  kind?: 'list' | 'processor';
  /** List heads: the elements put on it. */
  elements: Set<string>;
}

export class ModelContext {
  readonly table = new HelperTable();
  /** Locations met, by display name. */
  readonly locations = new Map<string, LocationInfo>();
  /** Locks met: name -> kind. */
  readonly locks = new Map<string, 'spin' | 'rw'>();
  /** The per-pCPU scheduler lock families met (the names of their members). */
  readonly families = new Set<string>();
  /** List element (object key + field) -> the heads it is put on (key -> display name), anywhere in the file. */
  readonly listHeads = new Map<string, Map<string, string>>();
  /** Bit numbers given to bit names the file does not define (`_VPF_blocked`): only their identity matters. */
  private readonly syntheticBits = new Map<string, number>();
  /** Scan mode: the accesses of each thread instance to each location key. */
  readonly accesses = new Map<string, { threads: Set<number>; written: boolean; writers: Set<number>; byCode: Set<number> }>();
  /** The threads that take each lock. */
  readonly lockUse = new Map<string, Set<number>>();

  constructor(
    readonly file: FileAnalysis,
    readonly locs: Locations,
    readonly opts: {
      xen: boolean;
      /** The location keys modelled; undefined while scanning (every access is recorded, none emitted). */
      modelled?: ReadonlySet<string>;
      /** Location keys some thread writes (from the scan). */
      written: ReadonlySet<string>;
      constants: ReadonlyMap<string, number>;
      maxInline: number;
      pcpus: string[];
    },
  ) {}

  get scanning(): boolean {
    return this.opts.modelled === undefined;
  }

  /** Whether accesses to this location become steps. */
  modelled(key: string): boolean {
    return this.opts.modelled?.has(key) ?? false;
  }

  /** `helper`: a lock helper's own read of v->processor (not the code's access, for what a function touches). */
  record(thread: number, key: string, write: boolean, helper = false): void {
    let a = this.accesses.get(key);
    if (!a) this.accesses.set(key, (a = { threads: new Set(), written: false, writers: new Set(), byCode: new Set() }));
    a.threads.add(thread);
    if (!helper) a.byCode.add(thread);
    if (write) {
      a.written = true;
      a.writers.add(thread);
    }
  }

  recordLock(thread: number, name: string): void {
    let s = this.lockUse.get(name);
    if (!s) this.lockUse.set(name, (s = new Set()));
    s.add(thread);
  }

  noteLocation(display: string, key: string): LocationInfo {
    let info = this.locations.get(display);
    if (!info) this.locations.set(display, (info = { key, elements: new Set() }));
    return info;
  }

  bit(name: string): number {
    let b = this.syntheticBits.get(name);
    if (b === undefined) {
      b = this.syntheticBits.size;
      this.syntheticBits.set(name, b);
    }
    return b;
  }

  isConstant(name: string): boolean {
    return this.opts.constants.has(name) || /^[A-Z_][A-Z0-9_]*$/.test(name) || /^_?[A-Z]/.test(name);
  }
}

/** `#define NAME value` lines of the file whose value is an integer constant (flags, bits, limits). */
export function fileConstants(text: string): Map<string, number> {
  const out = new Map<string, number>([
    ['true', 1],
    ['false', 0],
    ['NULL', 0],
  ]);
  const re =
    /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+\(?[ \t]*(-?(?:0[xX][0-9a-fA-F]+|\d+))[uUlL]*[ \t]*\)?[ \t]*(?:\/\*.*\*\/[ \t]*|\/\/.*)?$/gm;
  for (const m of text.matchAll(re)) {
    const v = Number(m[2]!.startsWith('-') ? -Number(m[2]!.slice(1)) : Number(m[2]!));
    if (Number.isFinite(v)) out.set(m[1]!, v);
  }
  // `#define X (1U << Y)` with Y known.
  const shift = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+\(?[ \t]*1[uUlL]*[ \t]*<<[ \t]*\(?([A-Za-z_]\w*|\d+)\)?[ \t]*\)?[ \t]*$/gm;
  for (const m of text.matchAll(shift)) {
    const by = /^\d+$/.test(m[2]!) ? Number(m[2]) : out.get(m[2]!);
    if (by !== undefined && by < 15) out.set(m[1]!, 1 << by);
  }
  return out;
}
