// After translation: programs made shorter (a choice whose branches do the
// same is a jump), values kept only where they matter (a location whose value
// no branch, assertion or lock choice depends on is tracked for races only),
// and the value domain of every location that keeps one.
import type { InstrAt, ThreadProgram } from '../../../../sim/src/program';
import type { Domain, Expr, LockRef } from '../../../../sim/src/shared';
import type { LocationInfo } from './context';

/**
 * Collapses branches that make no difference: a choice whose targets lead to
 * the same remaining instructions becomes a jump. Back edges (the lock
 * helpers' retry loops) make their own signature. One backward pass with
 * hash-consed signatures.
 */
export function simplify(instrs: InstrAt[]): InstrAt[] {
  const out = instrs.map((i) => ({ ...i })) as InstrAt[];
  const ids = new Map<string, number>();
  const intern = (s: string): number => {
    let id = ids.get(s);
    if (id === undefined) ids.set(s, (id = ids.size));
    return id;
  };
  const sig: number[] = new Array(out.length + 1);
  sig[out.length] = intern('end');
  const at = (t: number, i: number): number => (t > i ? sig[Math.min(t, out.length)]! : intern(`loop${i}:${t}`));
  for (let i = out.length - 1; i >= 0; i--) {
    const ins = out[i]!;
    switch (ins.op) {
      case 'jump':
        sig[i] = at(ins.target, i);
        break;
      case 'nop':
        sig[i] = at(i + 1, i);
        break;
      case 'choice': {
        const sigs = ins.targets.map((t) => at(t, i));
        if (sigs.every((x) => x === sigs[0])) {
          out[i] = { op: 'jump', target: ins.targets[0]!, ...(ins.src ? { src: ins.src } : {}) };
          sig[i] = sigs[0]!;
        } else sig[i] = intern(`choice(${sigs.join(',')})`);
        break;
      }
      case 'ifMigrating':
      case 'ifRunning':
      case 'branch': {
        const { src: _s, text: _t, else: e, ...rest } = ins;
        sig[i] = intern(`${JSON.stringify(rest)}(${at(i + 1, i)},${at(e, i)})`);
        break;
      }
      default: {
        const { src: _s, text: _t, ...rest } = ins;
        sig[i] = intern(`${JSON.stringify(rest)};${at(i + 1, i)}`);
      }
    }
  }
  return out;
}

/** Registers an expression reads (lock references included). */
function regsOf(e: Expr | undefined, out: Set<string>): Set<string> {
  if (!e) return out;
  switch (e.k) {
    case 'reg':
      out.add(e.r);
      break;
    case 'un':
      regsOf(e.a, out);
      break;
    case 'bin':
      regsOf(e.a, out);
      regsOf(e.b, out);
      break;
    case 'ite':
      regsOf(e.c, out);
      regsOf(e.a, out);
      regsOf(e.b, out);
      break;
    case 'held':
    case 'lockId':
      lockRegs(e.lock, out);
      break;
    case 'const':
      break;
  }
  return out;
}

function lockRegs(l: LockRef, out: Set<string>): void {
  if ('reg' in l) out.add(l.reg);
  else if ('family' in l) regsOf(l.index, out);
}

/**
 * The locations whose values matter and, per thread, the registers that do:
 * backwards from branches, assertions and lock choices through lets, reads,
 * writes and atomic operations, to a fixpoint over all threads. A read into
 * a register that does not matter keeps the read (a race needs it) and drops
 * the register; a let of such a register goes.
 */
export function keepValuesThatMatter(threads: ThreadProgram[]): Set<string> {
  const locs = new Set<string>();
  const regs = threads.map(() => new Set<string>());
  for (const [t, th] of threads.entries()) {
    const need = regs[t]!;
    for (const ins of th.instrs) {
      if (ins.op === 'branch' || ins.op === 'assert') regsOf(ins.cond, need);
      if (ins.op === 'lock' || ins.op === 'trylock' || ins.op === 'unlock') lockRegs(ins.lock, need);
    }
  }
  for (let changed = true; changed;) {
    changed = false;
    const addAll = (set: Set<string>, items: Iterable<string>): void => {
      for (const x of items)
        if (!set.has(x)) {
          set.add(x);
          changed = true;
        }
    };
    for (const [t, th] of threads.entries()) {
      const need = regs[t]!;
      for (const ins of th.instrs) {
        switch (ins.op) {
          case 'let':
            if (need.has(ins.reg)) addAll(need, regsOf(ins.value, new Set()));
            break;
          case 'read':
            if (ins.reg !== undefined && need.has(ins.reg)) addAll(locs, [ins.loc]);
            break;
          case 'write':
            if (locs.has(ins.loc)) addAll(need, regsOf(ins.value, new Set()));
            break;
          case 'atomic':
            if (ins.reg !== undefined && need.has(ins.reg)) addAll(locs, [ins.loc]);
            if (locs.has(ins.loc) || (ins.reg !== undefined && need.has(ins.reg))) {
              addAll(need, regsOf(ins.arg, new Set()));
              addAll(need, regsOf(ins.arg2, new Set()));
            }
            break;
          default:
            break;
        }
      }
    }
  }
  threads.forEach((th, t) => {
    const need = regs[t]!;
    th.instrs = th.instrs.map((ins) => {
      if (
        (ins.op === 'read' || ins.op === 'atomic' || ins.op === 'lock' || ins.op === 'trylock') &&
        ins.reg !== undefined &&
        !need.has(ins.reg)
      ) {
        const { reg: _r, ...rest } = ins;
        return rest as InstrAt;
      }
      if (ins.op === 'let' && !need.has(ins.reg)) return { op: 'nop', ...(ins.src ? { src: ins.src } : {}) };
      return ins;
    });
  });
  return locs;
}

/** Constants of an expression, with `1 << k` folded (bit masks). */
function constants(e: Expr | undefined, out: number[]): number[] {
  if (!e) return out;
  switch (e.k) {
    case 'const':
      out.push(e.v);
      break;
    case 'bin':
      if (e.op === '<<' && e.a.k === 'const' && e.b.k === 'const') out.push(e.a.v << e.b.v);
      else {
        constants(e.a, out);
        constants(e.b, out);
      }
      break;
    case 'un':
      constants(e.a, out);
      break;
    case 'ite':
      constants(e.c, out);
      constants(e.a, out);
      constants(e.b, out);
      break;
    default:
      break;
  }
  return out;
}

function usesBits(e: Expr | undefined): boolean {
  if (!e) return false;
  if (e.k === 'bin') return ['&', '|', '^', '<<'].includes(e.op) || usesBits(e.a) || usesBits(e.b);
  if (e.k === 'un') return e.op === '~' || usesBits(e.a);
  if (e.k === 'ite') return usesBits(e.a) || usesBits(e.b);
  return false;
}

function isBoolean(e: Expr | undefined): boolean {
  if (!e) return true;
  if (e.k === 'const') return e.v === 0 || e.v === 1;
  if (e.k === 'un') return e.op === '!';
  if (e.k === 'bin') return ['==', '!=', '<', '<=', '>', '>=', '&&', '||'].includes(e.op);
  return false;
}

const BIT_FNS = new Set(['setBit', 'clearBit', 'changeBit', 'testAndSetBit', 'testAndClearBit', 'testAndChangeBit', 'testBit']);

/**
 * The value domain of a location whose value matters: a list's element set, a
 * pCPU number, a flags word (bit operations on it; its bits from the
 * constants used), a boolean (only 0/1 and truth values written), else a
 * small integer 0..max (max covers the constants written and compared, at
 * least `intMax`).
 */
export function domainOf(loc: string, info: LocationInfo | undefined, threads: ThreadProgram[], pcpus: string[], intMax: number): Domain {
  if (info?.kind === 'list') return { kind: 'set', elements: [...info.elements] };
  if (info?.kind === 'processor') return { kind: 'enum', values: pcpus.slice() };
  let bits = false,
    bool = true,
    mask = 0;
  const seen: number[] = [];
  for (const th of threads) {
    const readInto = new Set<string>();
    for (const ins of th.instrs) {
      if ((ins.op === 'read' || ins.op === 'atomic') && ins.loc === loc && ins.reg !== undefined) readInto.add(ins.reg);
      if (ins.op === 'write' && ins.loc === loc) {
        if (usesBits(ins.value)) bits = true;
        if (!isBoolean(ins.value)) bool = false;
        for (const k of constants(ins.value, [])) seen.push(k);
      }
      if (ins.op === 'atomic' && ins.loc === loc) {
        if (BIT_FNS.has(ins.fn)) {
          bits = true;
          if (ins.arg?.k === 'const') mask |= 1 << ins.arg.v;
        } else if (ins.fn !== 'read') bool = false;
        for (const k of constants(ins.arg, [])) if (!BIT_FNS.has(ins.fn)) seen.push(k);
      }
    }
    // Constants compared with or combined with a value read from the location.
    for (const ins of th.instrs) {
      const e = ins.op === 'branch' || ins.op === 'assert' ? ins.cond : ins.op === 'let' || ins.op === 'write' ? ins.value : undefined;
      if (!e || ![...regsOf(e, new Set())].some((r) => readInto.has(r))) continue;
      for (const k of constants(e, [])) seen.push(k);
    }
  }
  if (bits) {
    for (const k of seen) if (k > 0 && k < 1 << 14) mask |= k;
    return { kind: 'bits', mask: mask || 3 };
  }
  if (bool && seen.every((k) => k === 0 || k === 1)) return { kind: 'bool' };
  const max = Math.min(15, Math.max(intMax, ...seen.filter((k) => k >= 0 && Number.isInteger(k))));
  return { kind: 'int', max };
}
