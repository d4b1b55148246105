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
}

export function emptyFp(): Footprint {
  return { r0: 0, r1: 0, w0: 0, w1: 0, l0: 0, l1: 0, acq: -1, sec: -1 };
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
  if (obj < 32) fp.l0 |= 1 << obj;
  else fp.l1 |= 1 << (obj - 32);
  if (acquire) fp.acq = obj;
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
  };
}
