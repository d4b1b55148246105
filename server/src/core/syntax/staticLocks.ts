// Locks a C text declares `static`: `static DEFINE_SPINLOCK(x);`,
// `static spinlock_t x;` (and the rwlock forms). A file-scope one is a
// different lock in each file; one inside a function body is that function's
// own, whatever other functions call theirs (trace.c's and symbols.c's
// `static DEFINE_SPINLOCK(lock)`). The same holds for any static variable
// (`static LIST_HEAD(arm_smmu_devices);` in smmu.c and in smmu-v3.c are two
// lists): staticNamesIn lists those too, for the locations they name.

const STATIC_LOCK =
  /\bstatic\s+(?:DEFINE_(?:SPIN|RW|PERCPU_RW)LOCK\s*\(\s*([A-Za-z_]\w*)\s*\)|(?:const\s+)?(?:spinlock_t|rwlock_t|percpu_rwlock_t)\s+([A-Za-z_]\w*)\b)/g;

/**
 * Other static variables: `static LIST_HEAD(x);`, `static DEFINE_*(x…);`, and
 * `static [qualifiers] type [attributes] [*]x` followed by `;`, `=`, `,` or `[`
 * (not `(`: a function). Only the first declarator of a list is taken.
 */
const STATIC_VARIABLE =
  /\bstatic\s+(?:(?:LIST_HEAD|DEFINE_[A-Z_]+)\s*\(\s*([A-Za-z_]\w*)|(?:(?:const|volatile|unsigned|signed|struct|union|enum)\s+)*[A-Za-z_]\w*(?:\s+(?:__read_mostly|__initdata|__ro_after_init|__used))*[\s*]+([A-Za-z_]\w*)\s*(?=[;=,[]))/g;

const cache = new WeakMap<object, ReadonlyMap<string, readonly number[]>>();
const namesCache = new WeakMap<object, ReadonlyMap<string, readonly number[]>>();

function declared(re: RegExp, text: string): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const x of text.matchAll(re)) {
    const name = x[1] ?? x[2]!;
    m.set(name, [...(m.get(name) ?? []), x.index]);
  }
  return m;
}

/** Each static lock's name with the offsets of its declarations, per text (cached per `owner`). */
function staticLocksIn(owner: object, text: string): ReadonlyMap<string, readonly number[]> {
  let m = cache.get(owner);
  if (!m) cache.set(owner, (m = declared(STATIC_LOCK, text)));
  return m;
}

/** Every static variable's name (locks included) with the offsets of its declarations, per text (cached per `owner`). */
export function staticNamesIn(owner: object, text: string): ReadonlyMap<string, readonly number[]> {
  const known = namesCache.get(owner);
  if (known) return known;
  const m = declared(STATIC_VARIABLE, text);
  for (const [name, at] of staticLocksIn(owner, text)) m.set(name, [...new Set([...(m.get(name) ?? []), ...at])]);
  namesCache.set(owner, m);
  return m;
}

/** Lets `alias`, an object standing for `owner` with the same text, answer from `owner`'s scans (done or to come). */
export function sameTextAs(alias: object, owner: object, text: string): void {
  cache.set(alias, staticLocksIn(owner, text));
  namesCache.set(alias, staticNamesIn(owner, text));
}

/** How a static lock `name` declared in `text` is scoped at a function body [bodyStart, bodyEnd): its own, the file's, or not static. */
export function staticLockScope(
  owner: object,
  text: string,
  name: string,
  body: { bodyStart: number; bodyEnd: number },
  names: (owner: object, text: string) => ReadonlyMap<string, readonly number[]> = staticLocksIn,
): 'function' | 'file' | undefined {
  const at = names(owner, text).get(name);
  if (!at) return undefined;
  return at.some((x) => x >= body.bodyStart && x < body.bodyEnd) ? 'function' : 'file';
}
