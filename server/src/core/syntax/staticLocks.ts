// Locks a C text declares `static`: `static DEFINE_SPINLOCK(x);`,
// `static spinlock_t x;` (and the rwlock forms). A file-scope one is a
// different lock in each file; one inside a function body is that function's
// own, whatever other functions call theirs (trace.c's and symbols.c's
// `static DEFINE_SPINLOCK(lock)`).

const STATIC_LOCK =
  /\bstatic\s+(?:DEFINE_(?:SPIN|RW|PERCPU_RW)LOCK\s*\(\s*([A-Za-z_]\w*)\s*\)|(?:const\s+)?(?:spinlock_t|rwlock_t|percpu_rwlock_t)\s+([A-Za-z_]\w*)\b)/g;

const cache = new WeakMap<object, Map<string, number[]>>();

/** Each static lock's name with the offsets of its declarations, per text (cached per `owner`). */
export function staticLocksIn(owner: object, text: string): ReadonlyMap<string, readonly number[]> {
  let m = cache.get(owner);
  if (m) return m;
  m = new Map();
  for (const x of text.matchAll(STATIC_LOCK)) {
    const name = x[1] ?? x[2]!;
    m.set(name, [...(m.get(name) ?? []), x.index]);
  }
  cache.set(owner, m);
  return m;
}

/** How a static lock `name` declared in `text` is scoped at a function body [bodyStart, bodyEnd): its own, the file's, or not static. */
export function staticLockScope(
  owner: object,
  text: string,
  name: string,
  body: { bodyStart: number; bodyEnd: number },
): 'function' | 'file' | undefined {
  const at = staticLocksIn(owner, text).get(name);
  if (!at) return undefined;
  return at.some((x) => x >= body.bodyStart && x < body.bodyEnd) ? 'function' : 'file';
}
