// What the summary solve learns a function's entry interrupt state from: for
// each function of the analysed set, how often its callers in the set call it
// with interrupts on, off or unknown (analyzer.ts, learnEntryIrq). Counted
// once and then kept up to date per caller: a round of learning (and, in the
// editor, the next keystroke's solve) re-analyses a few functions, so only
// their call sites are taken out and counted again, instead of every call
// site of every function on every round.
import type { CallIrq } from './analyze';

/** One callee's calls from the set, by the interrupt state at the call. */
export interface IrqTally {
  on: number;
  off: number;
  unknown: number;
  /** The call-site records counted: a callee whose records are all gone is no longer one the set calls. */
  records: number;
}

const NOTHING: CallIrq = { callees: [], counts: [] };

export class CallIrqCounts {
  /** The callees called from the set (defined in it, not the caller itself) and their tallies. */
  readonly byCallee = new Map<string, IrqTally>();
  /** Per function of the set (its index), its name and the call-site list counted for it. */
  private names: readonly string[] = [];
  private counted: CallIrq[] = [];
  private defined: ReadonlySet<string> = new Set();

  /**
   * Starts counting for a set of functions (their names, in the solve's
   * order): the counts are kept when it is the same functions in the same
   * order as last time (each one's list is compared when it is counted),
   * and start empty otherwise.
   */
  begin(names: readonly string[], defined: ReadonlySet<string>): void {
    const last = this.names;
    const same = last.length === names.length && names.every((n, i) => n === last[i]);
    if (!same) {
      this.byCallee.clear();
      this.counted = names.map(() => NOTHING);
      this.defined = defined;
    }
    this.names = names;
  }

  /** Makes function `idx`'s counted call sites `callIrq` (nothing to do when it is the list already counted). */
  update(idx: number, callIrq: CallIrq | undefined): void {
    const now = callIrq ?? NOTHING;
    const was = this.counted[idx]!;
    if (was === now) return;
    const self = this.names[idx]!;
    this.add(was, self, -1);
    this.add(now, self, 1);
    this.counted[idx] = now;
  }

  private add(list: CallIrq, self: string, sign: 1 | -1): void {
    const { callees, counts } = list;
    for (let i = 0; i < callees.length; i++) {
      const callee = callees[i]!;
      if (!this.defined.has(callee) || callee === self) continue;
      let t = this.byCallee.get(callee);
      if (!t) this.byCallee.set(callee, (t = { on: 0, off: 0, unknown: 0, records: 0 }));
      t.on += sign * counts[3 * i]!;
      t.off += sign * counts[3 * i + 1]!;
      t.unknown += sign * counts[3 * i + 2]!;
      t.records += sign;
      if (t.records === 0) this.byCallee.delete(callee);
    }
  }
}
