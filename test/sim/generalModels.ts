// Small general models for the simulator tests (threads over shared
// locations and locks, as the C extraction emits them) and a generator of
// random ones.
import type { InstrAt, Model } from '../../sim/src/index';
import { rng } from './rwOracle';

type Expr = Extract<InstrAt, { op: 'let' }>['value'];

export const reg = (r: string): Expr => ({ k: 'reg', r });
export const num = (v: number): Expr => ({ k: 'const', v });
const plus = (a: Expr, v: number): Expr => ({ k: 'bin', op: '+', a, b: num(v) });
export const eq = (a: Expr, b: Expr): Expr => ({ k: 'bin', op: '==', a, b });
const not = (a: Expr): Expr => ({ k: 'un', op: '!', a });

export const lock = (l: string, mode?: 'r' | 'w'): InstrAt => ({ op: 'lock', lock: { lock: l }, ...(mode ? { mode } : {}) });
export const unlock = (l: string, mode?: 'r' | 'w'): InstrAt => ({ op: 'unlock', lock: { lock: l }, ...(mode ? { mode } : {}) });
export const read = (loc: string, r?: string): InstrAt => ({ op: 'read', loc, ...(r ? { reg: r } : {}) });
export const write = (loc: string, value?: Expr): InstrAt => ({ op: 'write', loc, ...(value ? { value } : {}) });

/** `loc += 1` as the C reads it: a load, then a store. */
export const increment = (loc: string, r = 'c'): InstrAt[] => [read(loc, r), write(loc, plus(reg(r), 1))];

export function general(threads: { name: string; instrs: InstrAt[] }[], shared: NonNullable<Model['shared']>): Model {
  return { pcpus: [], vcpus: [], threads: threads.map((t) => ({ ...t, function: t.name })), shared };
}

const COUNTER = { name: 'prv->credit', domain: { kind: 'int' as const, max: 3 } };

/** Two threads incrementing prv->credit, each under prv->lock or not. */
export function lostUpdate(lockedX: boolean, lockedY: boolean, init?: number): Model {
  const inc = (locked: boolean): InstrAt[] =>
    locked ? [lock('prv->lock'), ...increment('prv->credit'), unlock('prv->lock')] : increment('prv->credit');
  return general(
    [
      { name: 'X', instrs: inc(lockedX) },
      { name: 'Y', instrs: inc(lockedY) },
    ],
    { locations: [init === undefined ? COUNTER : { ...COUNTER, init }], locks: [{ name: 'prv->lock' }] },
  );
}

/** Two threads taking prv->lock and rqd->lock, in opposite orders or the same. */
export function abba(sameOrder: boolean): Model {
  const nested = (a: string, b: string): InstrAt[] => [lock(a), lock(b), write('rqd->load', num(1)), unlock(b), unlock(a)];
  return general(
    [
      { name: 'X', instrs: nested('prv->lock', 'rqd->lock') },
      { name: 'Y', instrs: sameOrder ? nested('prv->lock', 'rqd->lock') : nested('rqd->lock', 'prv->lock') },
    ],
    { locations: [{ name: 'rqd->load', domain: { kind: 'none' } }], locks: [{ name: 'prv->lock' }, { name: 'rqd->lock' }] },
  );
}

/** Check busy under the lock, drop it, take it again and act: two copies break ASSERT(!busy). */
export function checkThenAct(fixed: boolean): Model {
  const claim: InstrAt[] = fixed
    ? [
        lock('spc->lock'),
        read('spc->busy', 'b'),
        { op: 'branch', cond: not(reg('b')), else: 6 },
        read('spc->busy', 'c'),
        { op: 'assert', cond: not(reg('c')), text: 'ASSERT(!spc->busy);' },
        write('spc->busy', num(1)),
        unlock('spc->lock'),
      ]
    : [
        lock('spc->lock'),
        read('spc->busy', 'b'),
        unlock('spc->lock'),
        { op: 'branch', cond: not(reg('b')), else: 9 },
        lock('spc->lock'),
        read('spc->busy', 'c'),
        { op: 'assert', cond: not(reg('c')), text: 'ASSERT(!spc->busy);' },
        write('spc->busy', num(1)),
        unlock('spc->lock'),
      ];
  return general(
    [
      { name: 'X', instrs: claim },
      { name: 'Y', instrs: claim.map((i) => ({ ...i })) },
    ],
    { locations: [{ name: 'spc->busy', domain: { kind: 'bool' }, init: 0 }], locks: [{ name: 'spc->lock' }] },
  );
}

/**
 * Random programs: 2 or 3 threads, each an optional nest of locks (spin,
 * rw read or write, in random orders: deadlocks happen) around a few reads,
 * plain or atomic writes, a trylock that backs off, an assertion on what a
 * read saw.
 */
export function randomGeneral(rand: () => number): Model {
  const locs = ['a', 'b'];
  const nThreads = 2 + Math.floor(rand() * 2);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const threads = Array.from({ length: nThreads }, (_, t) => {
    const instrs: InstrAt[] = [];
    const held = rand() < 0.5 ? (rand() < 0.5 ? ['m'] : rand() < 0.5 ? ['m', 'n'] : ['n', 'm']) : [];
    const mode = (l: string): 'r' | 'w' | undefined => (l === 'n' ? (rand() < 0.5 ? 'r' : 'w') : undefined);
    const modes = held.map(mode);
    held.forEach((l, i) => instrs.push(lock(l, modes[i])));
    const n = 1 + Math.floor(rand() * (nThreads === 2 ? 3 : 2));
    for (let i = 0; i < n; i++) {
      const x = pick(locs);
      const dice = rand();
      if (dice < 0.3) instrs.push(read(x, 'r'));
      else if (dice < 0.55) instrs.push(write(x, plus(reg('r'), 1)));
      else if (dice < 0.7) instrs.push({ op: 'atomic', loc: x, fn: 'add', arg: num(1), reg: 'r' });
      else if (dice < 0.8)
        instrs.push(read(x, 'r'), { op: 'assert', cond: { k: 'bin', op: '<', a: reg('r'), b: num(3) }, text: `ASSERT(${x} < 3)` });
      else if (dice < 0.9) {
        // trylock m; if taken: write, unlock.
        const at = instrs.length;
        instrs.push(
          { op: 'trylock', lock: { lock: 'm' }, reg: 't' },
          { op: 'branch', cond: reg('t'), else: at + 4 },
          write(x, num(t + 1)),
          unlock('m'),
        );
      } else instrs.push(write(x));
    }
    [...held].reverse().forEach((l, i) => instrs.push(unlock(l, modes[held.length - 1 - i])));
    return { name: `T${t}`, instrs };
  });
  return general(threads, {
    locations: locs.map((name) => ({ name, domain: { kind: 'int' as const, max: 3 }, init: 0 })),
    locks: [{ name: 'm' }, { name: 'n', kind: 'rw' as const }],
  });
}

export { rng };
