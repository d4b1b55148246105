// Compilation of the general instructions (shared.ts) into micro-operations:
// one per instruction, with its payload compiled for the thread it runs in.

import { type AtomicFn, type ExprCompiler, exprText, type GOp, lockText, type SharedIndex, type SharedInstr } from './shared';

export type SharedKind = 'gRead' | 'gWrite' | 'gAtomic' | 'gLet' | 'gBranch' | 'gLock' | 'gTry' | 'gUnlock' | 'gAssert' | 'gList';

/** The atomic functions that only read. */
export const READ_ONLY_ATOMICS: ReadonlySet<AtomicFn> = new Set(['testBit', 'read']);

export interface SharedMicro {
  k: SharedKind;
  g: GOp;
  /** For a branch: the instruction index to continue at when the condition is zero. */
  elseInstr?: number;
}

export function isSharedInstr(ins: { op: string }): ins is SharedInstr {
  return SHARED_OPS.has(ins.op);
}

const SHARED_OPS = new Set(['read', 'write', 'atomic', 'let', 'branch', 'lock', 'trylock', 'unlock', 'assert', 'list']);

export function compileShared(ins: SharedInstr, c: ExprCompiler, ix: SharedIndex): SharedMicro {
  const g: GOp = { loc: -1, reg: -1, how: 'plain', mode: 'x', elem: -1, sig: '' };
  // A fixed spin lock is exclusive whatever the mode says; an rwlock without a mode is taken for writing.
  const lockMode = (k: number | undefined, mode: 'r' | 'w' | undefined): 'x' | 'r' | 'w' => {
    if (k === undefined) return mode ?? 'x';
    return ix.rwRank.has(k) ? (mode ?? 'w') : 'x';
  };
  switch (ins.op) {
    case 'read':
      g.loc = ix.loc(ins.loc);
      if (ins.reg !== undefined) g.reg = c.reg(ins.reg);
      g.how = ins.how ?? 'plain';
      g.sig = `read ${ins.loc} ${ins.reg ?? ''} ${g.how}`;
      return { k: 'gRead', g };
    case 'write':
      g.loc = ix.loc(ins.loc);
      if (ins.value) g.e1 = c.expr(ins.value);
      g.how = ins.how ?? 'plain';
      g.sig = `write ${ins.loc} ${ins.value ? exprText(ins.value) : '?'} ${g.how}`;
      return { k: 'gWrite', g };
    case 'atomic':
      g.loc = ix.loc(ins.loc);
      g.how = 'atomic';
      g.afn = ins.fn;
      if (ins.arg) g.e1 = c.expr(ins.arg);
      if (ins.arg2) g.e2 = c.expr(ins.arg2);
      if (ins.reg !== undefined) g.reg = c.reg(ins.reg);
      g.sig = `atomic ${ins.fn} ${ins.loc} ${ins.arg ? exprText(ins.arg) : ''} ${ins.arg2 ? exprText(ins.arg2) : ''} ${ins.reg ?? ''}`;
      return { k: 'gAtomic', g };
    case 'let':
      g.reg = c.reg(ins.reg);
      g.e1 = c.expr(ins.value);
      g.sig = `let ${ins.reg} ${exprText(ins.value)}`;
      return { k: 'gLet', g };
    case 'branch':
      g.e1 = c.expr(ins.cond);
      g.sig = `branch ${exprText(ins.cond)}`;
      return { k: 'gBranch', g, elseInstr: ins.else };
    case 'lock':
    case 'trylock':
    case 'unlock': {
      g.lock = c.lock(ins.lock);
      const fixed = 'lock' in ins.lock ? ix.lock(ins.lock.lock) : undefined;
      if ('lock' in ins.lock) g.lockName = ins.lock.lock;
      g.mode = lockMode(fixed, ins.mode);
      if ('reg' in ins && ins.reg !== undefined) g.reg = c.reg(ins.reg);
      g.sig = `${ins.op} ${lockText(ins.lock)} ${ins.mode ?? ''} ${'reg' in ins ? (ins.reg ?? '') : ''}`;
      return { k: ins.op === 'lock' ? 'gLock' : ins.op === 'trylock' ? 'gTry' : 'gUnlock', g };
    }
    case 'assert':
      g.e1 = c.expr(ins.cond);
      g.sig = `assert ${exprText(ins.cond)}`;
      return { k: 'gAssert', g };
    case 'list': {
      g.loc = ix.loc(ins.loc);
      const d = ix.spec.locations[g.loc]!.domain;
      // A list whose membership no branch reads keeps no value: the step is only its (plain) write.
      const elem = d.kind === 'set' ? d.elements.indexOf(ins.elem) : -1;
      if (d.kind === 'set' && elem < 0) throw new Error(`${ins.elem} is not an element of the list ${ins.loc}`);
      g.elem = elem;
      g.elemName = ins.elem;
      g.lfn = ins.fn;
      g.sig = `list ${ins.fn} ${ins.loc} ${ins.elem}`;
      return { k: 'gList', g };
    }
  }
}
