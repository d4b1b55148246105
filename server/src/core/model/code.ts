// A thread program under construction: instructions with symbolic labels
// (the CFG walk and inlined calls jump forwards and backwards to places not
// emitted yet), resolved to instruction indices at the end.
import type { InstrAt } from '../../../../sim/src/program';
import type { SourceRef } from '../../../../sim/src/types';

export type Label = number;

type Fix = { at: number; label: Label } & ({ field: 'else' | 'target' } | { field: 'targets'; index: number });

export class Code {
  readonly instrs: InstrAt[] = [];
  private readonly places: (number | undefined)[] = [];
  private readonly fixes: Fix[] = [];

  newLabel(): Label {
    this.places.push(undefined);
    return this.places.length - 1;
  }

  /** The label's place is the next instruction. */
  place(l: Label): void {
    this.places[l] = this.instrs.length;
  }

  placed(l: Label): boolean {
    return this.places[l] !== undefined;
  }

  emit(ins: InstrAt): void {
    this.instrs.push(ins);
  }

  jump(l: Label, src?: SourceRef): void {
    this.fixes.push({ at: this.instrs.length, field: 'target', label: l });
    this.instrs.push({ op: 'jump', target: -1, ...(src ? { src } : {}) });
  }

  /** A branch that continues when `ins.cond` holds and goes to `otherwise` when not. */
  branch(ins: Extract<InstrAt, { op: 'branch' }>, otherwise: Label): void {
    this.fixes.push({ at: this.instrs.length, field: 'else', label: otherwise });
    this.instrs.push(ins);
  }

  /** A Xen flag test (ifMigrating/ifRunning) that goes to `otherwise` when clear. */
  test(ins: Extract<InstrAt, { op: 'ifMigrating' | 'ifRunning' }>, otherwise: Label): void {
    this.fixes.push({ at: this.instrs.length, field: 'else', label: otherwise });
    this.instrs.push(ins);
  }

  choice(targets: Label[], at: { src?: SourceRef; text?: string; labels?: string[] }): void {
    const at0 = this.instrs.length;
    targets.forEach((label, index) => this.fixes.push({ at: at0, field: 'targets', index, label }));
    this.instrs.push({ op: 'choice', targets: targets.map(() => -1), ...at });
  }

  /** The instructions with every label resolved (a label never placed is the end of the program). */
  finish(): InstrAt[] {
    const end = this.instrs.length;
    const where = (l: Label) => this.places[l] ?? end;
    for (const f of this.fixes) {
      const ins = this.instrs[f.at]! as InstrAt & { else?: number; target?: number; targets?: number[] };
      if (f.field === 'targets') ins.targets![f.index] = where(f.label);
      else ins[f.field] = where(f.label);
    }
    return this.instrs;
  }
}
