// Footprints: which shared objects a step reads and writes, as two 32-bit words
// of bits (up to 64 objects). Dependency between steps, happens-before and race
// detection in the DPOR engine are all computed from these masks, so the engine
// knows nothing of what the objects mean.

export const MAX_OBJECTS = 64;

export interface Footprint {
  r0: number;
  r1: number;
  w0: number;
  w1: number;
  /** Lock objects written by acquire/release (subset of w). */
  l0: number;
  l1: number;
  /** Object index of the lock this step acquires, or -1. */
  acq: number;
  /**
   * Object index of the lock whose whole critical section this step runs
   * atomically (acquire, body, release in one step), or -1. It only *reads*
   * the lock (it needs it free), so two such sections commute unless their data
   * conflict, while a thread that holds the lock across steps disables them.
   */
  sec: number;
  /**
   * Data-race bookkeeping (general models): the objects this step writes with a
   * plain, non-atomic access (pw), and the objects it accesses in a way that can
   * take part in a race (ra: every data access but the re-validation reads of
   * the lock helpers). Atomic operations are in ra but never in pw.
   */
  pw0: number;
  pw1: number;
  ra0: number;
  ra1: number;
  /**
   * For a data access: the general locks the acting thread holds while it
   * accesses (hx: owned, hs: held for reading, as bit masks). Two accesses one
   * of which holds a lock the other holds too, exclusively on one side, cannot
   * race (used to keep state caching where races cannot come from it).
   */
  hx: number;
  hs: number;
}

export function emptyFp(): Footprint {
  return { r0: 0, r1: 0, w0: 0, w1: 0, l0: 0, l1: 0, acq: -1, sec: -1, pw0: 0, pw1: 0, ra0: 0, ra1: 0, hx: 0, hs: 0 };
}

/**
 * A data access of a general model's location: `plain` (a C load or store) or
 * atomic (set_bit, atomic_*, READ_ONCE); `sync` marks the reads a lock helper
 * makes to re-validate the lock it took (they never race: the helper re-checks).
 */
export function addAccess(fp: Footprint, obj: number, write: boolean, how: 'plain' | 'atomic' | 'sync'): void {
  if (write) addWrite(fp, obj);
  else addRead(fp, obj);
  if (how === 'sync') return;
  const bit = obj < 32 ? 1 << obj : 1 << (obj - 32);
  if (obj < 32) fp.ra0 |= bit;
  else fp.ra1 |= bit;
  if (write && how === 'plain') {
    if (obj < 32) fp.pw0 |= bit;
    else fp.pw1 |= bit;
  }
}

/**
 * The object two steps of different threads race on, or -1: one of them
 * writes it with a plain store and the other accesses it (a plain read of a
 * word others update atomically is Xen's habit and is not reported).
 */
export function raceObject(a: Footprint, b: Footprint): number {
  const m0 = (a.pw0 & b.ra0) | (a.ra0 & b.pw0);
  if (m0 !== 0) return 31 - Math.clz32(m0 & -m0);
  const m1 = (a.pw1 & b.ra1) | (a.ra1 & b.pw1);
  if (m1 !== 0) return 32 + 31 - Math.clz32(m1 & -m1);
  return -1;
}

export function addRead(fp: Footprint, obj: number): void {
  if (obj < 32) fp.r0 |= 1 << obj;
  else fp.r1 |= 1 << (obj - 32);
}

export function addWrite(fp: Footprint, obj: number): void {
  if (obj < 32) fp.w0 |= 1 << obj;
  else fp.w1 |= 1 << (obj - 32);
}

/** A lock operation writes the lock object and is marked as such for race rules. */
export function addLockOp(fp: Footprint, obj: number, acquire: boolean): void {
  addWrite(fp, obj);
  markLockRole(fp, obj);
  if (acquire) fp.acq = obj;
}

/**
 * An object a lock operation reads or writes as part of the locking itself (a
 * write-acquire reading the reader slots of an rwlock): conflicts between two
 * lock operations on it order them, they are not races to reverse.
 */
export function markLockRole(fp: Footprint, obj: number): void {
  if (obj < 32) fp.l0 |= 1 << obj;
  else fp.l1 |= 1 << (obj - 32);
}

export function isLocal(fp: Footprint): boolean {
  return (fp.r0 | fp.r1 | fp.w0 | fp.w1) === 0;
}

/** A critical section run as one step: it needs the lock free and leaves it free. */
export function addSection(fp: Footprint, obj: number): void {
  addRead(fp, obj);
  fp.sec = obj;
}

/** Conflict: one writes what the other reads or writes. */
export function dependent(a: Footprint, b: Footprint): boolean {
  return ((a.w0 & (b.r0 | b.w0)) | (b.w0 & a.r0)) !== 0 || ((a.w1 & (b.r1 | b.w1)) | (b.w1 & a.r1)) !== 0;
}

/**
 * Whether an earlier step `a` and a later step `b` can be reordered (a race),
 * ignoring the rule for lock-acquires: a release and an acquire of the same lock
 * are never co-enabled (the acquire waits for the release), so conflicts that
 * consist only of lock operations on both sides are not races.
 */
export function plainRace(a: Footprint, b: Footprint): boolean {
  const both0 = lockRole0(a) & lockRole0(b),
    both1 = lockRole1(a) & lockRole1(b);
  const c0 = ((a.w0 & (b.r0 | b.w0)) | (b.w0 & a.r0)) & ~both0;
  const c1 = ((a.w1 & (b.r1 | b.w1)) | (b.w1 & a.r1)) & ~both1;
  return (c0 | c1) !== 0;
}

/** Lock objects the step acquires, releases or runs a section of (word 0 / word 1). */
function lockRole0(f: Footprint): number {
  return f.l0 | (f.sec >= 0 && f.sec < 32 ? 1 << f.sec : 0);
}
function lockRole1(f: Footprint): number {
  return f.l1 | (f.sec >= 32 ? 1 << (f.sec - 32) : 0);
}

export function unionFp(a: Footprint, b: Footprint): Footprint {
  return {
    r0: a.r0 | b.r0,
    r1: a.r1 | b.r1,
    w0: a.w0 | b.w0,
    w1: a.w1 | b.w1,
    l0: a.l0 | b.l0,
    l1: a.l1 | b.l1,
    acq: a.acq >= 0 ? a.acq : b.acq,
    sec: a.sec >= 0 ? a.sec : b.sec,
    pw0: a.pw0 | b.pw0,
    pw1: a.pw1 | b.pw1,
    ra0: a.ra0 | b.ra0,
    ra1: a.ra1 | b.ra1,
    hx: a.hx & b.hx,
    hs: a.hs & b.hs,
  };
}
