// Seeded random mutations of C text, for the fuzz suites (test/core/analysis.fuzz.test.ts,
// test/lsp/edits.fuzz.test.ts): what an editor sees while someone types, deletes
// and pastes, plus bytes nobody types. The same seed always gives the same
// mutant, so a failure names the seed that reproduces it.

/** xorshift32: a small deterministic generator (never Math.random in a test). */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  /** A float in [0, 1). */
  next(): number {
    let s = this.s;
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    this.s = s;
    return s / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

/** What people type and paste into scheduler C, half-finished constructs included. */
const SNIPPETS = [
  'if ( ',
  'if ( x ) ',
  'else ',
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ';',
  ',',
  '\n',
  '\r\n',
  '\r',
  '/*',
  '*/',
  '//',
  '"',
  "'",
  '\\',
  '#ifdef CONFIG_X\n',
  '#else\n',
  '#endif\n',
  '#define M(x) do { x } while ( 0 )\n',
  'spin_lock(&prv->lock);',
  'spin_unlock(&prv->lock);',
  'spin_trylock(&prv->lock)',
  'if ( spin_trylock(&l) || spin_trylock(&m) ) ',
  'lock = vcpu_schedule_lock_irq(v);',
  'vcpu_schedule_unlock_irq(lock, v);',
  'lock = pcpu_schedule_lock(cpu);',
  'rcu_read_lock(&sched_res_rculock);',
  'rcu_read_unlock(&sched_res_rculock);',
  'vcpu_migrate_start(v);',
  'vcpu_migrate_finish(v);',
  'vcpu_migrate(v);',
  'set_bit(_VPF_migrating, &v->pause_flags);',
  'vcpu_sleep_nosync(v);',
  'v->processor = cpu;',
  'ASSERT(spin_is_locked(&prv->lock));',
  'bool held = false;',
  'held = true;',
  'if ( held ) ',
  'for_each_vcpu ( d, v )\n    {',
  'list_for_each_entry ( p, &q, list ) ',
  'while ( ',
  'do {',
  '} while ( 0 );',
  'switch ( x ) {',
  'case 1:',
  'default:',
  'break;',
  'continue;',
  'goto out;',
  'out:',
  'return;',
  'return -EINVAL;',
  '&&',
  '||',
  '!',
  '->',
  '?',
  ':',
  '==',
  '= ',
  'static void f(struct vcpu *v)\n{\n',
  'int x = = 3;',
  'é𝄞',
  '\u0000',
  '\u001b[2J',
  '\u00a0',
  '\ufeff',
  '\t',
];

/** A replacement of `text` [start, end) by `newText`. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

/** One random edit of `text`: a deletion, an insertion, or a paste of text from elsewhere. */
export function randomEdit(text: string, rng: Rng): TextEdit {
  const at = rng.int(text.length + 1);
  const op = rng.next();
  if (op < 0.4) return { start: at, end: Math.min(text.length, at + 1 + rng.int(24)), newText: '' };
  if (op < 0.85) return { start: at, end: at, newText: rng.pick(SNIPPETS) };
  const from = rng.int(text.length + 1);
  return { start: at, end: at, newText: text.slice(from, from + rng.int(240)) };
}

/** One random mutation of `text`: an edit, or now and then two lines swapped. */
function mutateOnce(text: string, rng: Rng): string {
  if (rng.next() < 0.1) {
    const lines = text.split('\n');
    const i = rng.int(lines.length);
    const j = rng.int(lines.length);
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    return lines.join('\n');
  }
  const e = randomEdit(text, rng);
  return text.slice(0, e.start) + e.newText + text.slice(e.end);
}

/** The mutant of `texts` for `seed`: one of them, edited one to six times. */
export function mutant(texts: readonly string[], seed: number): string {
  const rng = new Rng(seed);
  let t = rng.pick(texts);
  const edits = 1 + rng.int(6);
  for (let k = 0; k < edits; k++) t = mutateOnce(t, rng);
  return t;
}

/**
 * The quick driver that found issue 17's crashes: its own snippets and
 * mutation steps, seeded the same way. The seeds in ISSUE_17_SEEDS made the
 * condition parser throw on the build the issue was filed against (each one
 * aborted a whole folder run with exit 3); the tests make them again from
 * examples/sched_example.c instead of keeping copies of it.
 */
export function issue17Mutant(text: string, seed: number): string {
  // The driver's xorshift, not Rng's: its `>> 17` is an arithmetic shift (Rng's `>>>` is not).
  let s = seed >>> 0;
  const r = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const snippets = ISSUE_17_SNIPPETS;
  let t = text;
  // The driver picked one of its input files first (it had one).
  r();
  const k = 1 + Math.floor(r() * 4);
  for (let j = 0; j < k; j++) {
    const at = Math.floor(r() * t.length);
    const op = r();
    if (op < 0.4) t = t.slice(0, at) + t.slice(Math.min(t.length, at + 1 + Math.floor(r() * 20)));
    else if (op < 0.8) t = t.slice(0, at) + snippets[Math.floor(r() * snippets.length)]! + t.slice(at);
    else {
      const b = Math.floor(r() * t.length);
      t = t.slice(0, at) + t.slice(b, b + Math.floor(r() * 200)) + t.slice(at);
    }
  }
  return t;
}

export const ISSUE_17_SEEDS: readonly number[] = [10, 16, 37, 60, 119];

const ISSUE_17_SNIPPETS = [
  'if ( ',
  '{',
  '}',
  '(',
  ')',
  ';',
  'spin_lock(&l);',
  'spin_unlock(&l);',
  'else',
  'goto out;',
  'out:',
  'for_each_vcpu ( d, v )',
  'return;',
  '#ifdef X\n',
  '#endif\n',
  '/*',
  '*/',
  '"',
  "'",
  '\\',
  'lock = vcpu_schedule_lock_irq(v);',
  'vcpu_schedule_unlock_irq(lock, v);',
  'while ( ',
  'do {',
  '} while ( 0 );',
  'switch ( x ) {',
  'case 1:',
  'break;',
  '&&',
  '||',
  '!',
  '->',
  '?',
  ':',
  '\n',
];
