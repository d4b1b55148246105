// Function-like macros that jump: `#define PIN_FAIL(lbl, rc, fmt...) do { …;
// goto lbl; } while ( 0 )` or `#define CHECK(x) if ( !(x) ) return -EINVAL`.
// A statement calling one is a goto or a return, not a call that comes back:
// without this, every path through `PIN_FAIL(unlock_out, …)` would go on to
// the next statement holding what the label's code releases.
//
// Only simple bodies are read: one `goto` or one `return`, guarded by `if`s at
// most. A body with loops, `break`/`continue` (they would leave the caller's
// loop), token pasting or a definition is not a jump macro.
//
// Also read here: macros that are an ASSERT of one predicate of a parameter
// (`#define ASSERT_WRITELOCK(l) ASSERT(rw_is_write_locked(l))`), which state
// what the ASSERT would.
import { type FunctionDefine, functionDefines, madeOfDefines } from './defines';
import { TextMemo } from './textMemo';

export interface JumpMacro {
  name: string;
  params: readonly string[];
  /** A `goto`: the label, or the index of the parameter naming it. */
  goto?: { label: string } | { param: number };
  /** A `return`: the returned expression as written in the body ('' for a bare return). */
  returns?: string;
  /** The jump is taken under an `if`: control may also go on. */
  conditional: boolean;
}

// `, ## args` is GNU C for "drop the comma when args is empty", not token pasting.
const NOT_SIMPLE = /\b(for|switch|break|continue|static|typedef|struct)\b|(?<!,\s*)##|\bwhile\b(?!\s*\(\s*0\s*\))/;

/** The jump macros among a text's defines, by name (a later definition wins). */
function findJumpMacros(defines: readonly FunctionDefine[]): Map<string, JumpMacro> {
  const out = new Map<string, JumpMacro>();
  for (const d of defines) {
    const macro = readMacro(d.name, d.params, d.body);
    if (macro) out.set(macro.name, macro);
    else out.delete(d.name);
  }
  return out;
}

function readMacro(name: string, paramText: string, rawBody: string): JumpMacro | undefined {
  const body = rawBody
    .replace(/\\\r?\n/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/.*$/, ' ')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  const gotos = [...body.matchAll(/\bgoto\s+([A-Za-z_]\w*)\s*;?/g)];
  const returns = [...body.matchAll(/\breturn\b/g)];
  if (gotos.length + returns.length !== 1 || NOT_SIMPLE.test(body)) return undefined;
  const params = paramText.split(',').map((p) => {
    const t = p.trim();
    return t === '...' ? '__VA_ARGS__' : t.replace(/\.\.\.$/, '').trim();
  });
  const conditional = /\bif\b|\?/.test(body);
  const macro: JumpMacro = { name, params, conditional };
  if (gotos.length) {
    const label = gotos[0]![1]!;
    const param = params.indexOf(label);
    macro.goto = param >= 0 ? { param } : { label };
  } else {
    const at = returns[0]!.index + 'return'.length;
    const end = body.indexOf(';', at);
    macro.returns = stripOuterParens(end < 0 ? body.slice(at) : body.slice(at, end));
  }
  return macro;
}

function stripOuterParens(s: string): string {
  let t = s.trim();
  while (t.startsWith('(') && t.endsWith(')') && balancedInside(t)) t = t.slice(1, -1).trim();
  return t;
}

function balancedInside(t: string): boolean {
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '(') depth++;
    else if (t[i] === ')' && --depth === 0 && i < t.length - 1) return false;
  }
  return depth === 0;
}

/** The returned text with the macro's parameters replaced by the call's argument texts. */
export function substituteParams(text: string, params: readonly string[], args: readonly string[]): string {
  if (!params.length) return text;
  const re = new RegExp(`\\b(${params.map((p) => p.replace(/\W/g, '')).join('|')})\\b`, 'g');
  return text.replace(re, (p) => {
    const i = params.indexOf(p);
    return i >= 0 && args[i] !== undefined ? args[i] : p;
  });
}

/** `NAME(p)` standing for `ASSERT(pred(p))`: the predicate and which parameter it is given. */
export interface AssertMacro {
  predicate: string;
  param: number;
}

/** The body of a function-like define that is `ASSERT(pred(param))` and nothing else. */
const ASSERT_BODY = /^[ \t]*ASSERT\(\s*([A-Za-z_]\w*)\(\s*([A-Za-z_]\w*)\s*\)\s*\)[ \t]*\r?$/;

const assertMemo = new TextMemo<ReadonlyMap<string, AssertMacro>>(64);

/** The file's ASSERT wrapper macros, by name (remembered for the last texts). */
export function assertMacrosOf(text: string): ReadonlyMap<string, AssertMacro> {
  return assertMemo.get(text, () => madeOfDefines(assertsOfDefines, functionDefines(text), findAssertMacros));
}

// Read from the file's function-like defines (syntax/defines.ts), which the jump macros read too: an
// edited text is then scanned for defines once, where a pattern of its own over the whole text ran
// again on every edit (each edit is a new text, so the memo cannot help the editor).
function findAssertMacros(defines: readonly FunctionDefine[]): ReadonlyMap<string, AssertMacro> {
  const out = new Map<string, AssertMacro>();
  for (const d of defines) {
    const m = ASSERT_BODY.exec(d.body);
    if (!m) continue;
    const param = d.params
      .split(',')
      .map((p) => p.trim())
      .indexOf(m[2]!);
    if (param >= 0) out.set(d.name, { predicate: m[1]!, param });
  }
  return out;
}

/** The jump macros of a text with a key naming them, for caches of CFGs (a changed macro changes every CFG using it). */
export interface FileJumpMacros {
  macros: ReadonlyMap<string, JumpMacro>;
  key: string;
}

const jumpMemo = new TextMemo<FileJumpMacros>(64);

/** findJumpMacros for the whole file, remembered for the last texts (one analysis run asks once per function). */
export function jumpMacrosOf(text: string): FileJumpMacros {
  return jumpMemo.get(text, () =>
    madeOfDefines(jumpsOfDefines, functionDefines(text), (defines) => {
      const macros = findJumpMacros(defines);
      return { macros, key: [...macros.values()].map((m) => JSON.stringify(m)).join('\u0001') };
    }),
  );
}

// What is made of a list of defines, by the list (madeOfDefines).
const jumpsOfDefines = new WeakMap<readonly FunctionDefine[], FileJumpMacros>();
const assertsOfDefines = new WeakMap<readonly FunctionDefine[], ReadonlyMap<string, AssertMacro>>();
