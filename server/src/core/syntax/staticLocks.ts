// Locks a C text declares `static`: `static DEFINE_SPINLOCK(x);`,
// `static spinlock_t x;` (and the rwlock forms). A file-scope one is a
// different lock in each file; one inside a function body is that function's
// own, whatever other functions call theirs (trace.c's and symbols.c's
// `static DEFINE_SPINLOCK(lock)`). The same holds for any static variable
// (`static LIST_HEAD(arm_smmu_devices);` in smmu.c and in smmu-v3.c are two
// lists): staticNamesIn lists those too, for the locations they name.

import { editBetween, type TextEdit } from './textEdits';

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

interface Declaration {
  name: string;
  at: number;
}

/** Each pattern's declarations in the last text scanned, in order (for the next text, when it is that one edited). */
const lastScans = new Map<RegExp, { text: string; found: readonly Declaration[] }>();

function declared(re: RegExp, text: string): Map<string, number[]> {
  const last = lastScans.get(re);
  const edit = last && editBetween(last.text, text);
  const found = (edit && rescanned(re, last.found, edit)) ?? scan(re, text, 0, text.length);
  lastScans.set(re, { text, found });
  const m = new Map<string, number[]>();
  for (const d of found) {
    const at = m.get(d.name);
    if (at) at.push(d.at);
    else m.set(d.name, [d.at]);
  }
  return m;
}

function scan(re: RegExp, text: string, from: number, to: number): Declaration[] {
  const out: Declaration[] = [];
  const part = from === 0 && to === text.length ? text : text.slice(from, to);
  for (const x of part.matchAll(re)) out.push({ name: x[1] ?? x[2]!, at: from + x.index });
  return out;
}

/** Past this many characters around an edit, a text is scanned whole. */
const MAX_WINDOW = 8192;
const isDelimiter = (c: number): boolean => c === 0x3b /* ; */ || c === 0x7b /* { */ || c === 0x7d; /* } */

/**
 * The declarations of `edit.after`, from those of `edit.before`: those
 * outside the statement the edit is in are kept (moved), and that statement
 * is scanned again. Neither pattern matches `;`, `{` or `}` (a match looks
 * at most one character past its ends: `\b`, the `(?=[;=,[])` after a
 * name), so no match crosses one: the matches of the text between the
 * nearest delimiters around the edit (with the delimiter after it) are
 * those of the whole text there, and every other match is one of the text
 * before, at the same place or moved by the edit's length. Undefined (scan
 * the whole text) when that stretch is long.
 */
function rescanned(re: RegExp, before: readonly Declaration[], edit: TextEdit): Declaration[] | undefined {
  const text = edit.after;
  const delta = edit.newLength - (edit.oldEnd - edit.start);
  let a = edit.start - 1;
  while (a >= 0 && !isDelimiter(text.charCodeAt(a))) a--;
  let b = edit.start + edit.newLength;
  while (b < text.length && !isDelimiter(text.charCodeAt(b))) b++;
  if (b - a > MAX_WINDOW) return undefined;
  const out = before.filter((d) => d.at <= a);
  out.push(...scan(re, text, a + 1, Math.min(text.length, b + 1)));
  for (const d of before) if (d.at > b - delta) out.push({ name: d.name, at: d.at + delta });
  return out;
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

/** How a static lock `name` declared in `text` is scoped at a function body [bodyStart, bodyEnd): its own, the file's, or not static. */
export function staticLockScope(
  owner: object,
  text: string,
  name: string,
  body: { bodyStart: number; bodyEnd: number },
  names: (owner: object, text: string) => ReadonlyMap<string, readonly number[]> = staticLocksIn,
): 'function' | 'file' | undefined {
  return scopeAt(names(owner, text).get(name), body);
}

/** How a static declared at offsets `at` (none: not static) is scoped at a function body [bodyStart, bodyEnd). */
export function scopeAt(at: readonly number[] | undefined, body: { bodyStart: number; bodyEnd: number }): 'function' | 'file' | undefined {
  if (!at) return undefined;
  return at.some((x) => x >= body.bodyStart && x < body.bodyEnd) ? 'function' : 'file';
}
