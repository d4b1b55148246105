// Tests written by character in place of a regex, on the discipline's hot
// paths: each answers as the regex it replaced, on the names it is asked
// about and on names built to sit at its edges.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { storesConstant } from '../../server/src/core/guards/collect';
import { paramNames, paramNamesOfText } from '../../server/src/core/syntax/functions';
import { tokenize } from '../../server/src/core/syntax/tokens';
import { parseDeclaration } from '../../server/src/core/types/declarations';
import { defines } from '../../server/src/core/types/typeTable';
import { isAllocator, isDeallocator, isDiagnosticOutput } from '../../server/src/core/xen/accessOps';

const word = fc
  .array(fc.constantFrom('_', 'a', 'T', 'R', 'A', 'C', 'E', 'p', 'r', 'i', 'n', 't', 'k', '0', '9', '-', ' ', '\n'), { maxLength: 14 })
  .map((c) => c.join(''));
/** The regex isDiagnosticOutput replaced. */
const DIAGNOSTIC = /^(printk|printk_once|dprintk|gdprintk|gprintk|debugtrace_printk|panic|_?_?trace_var|TRACE_\w+|CPUMASK_PR)$/;
/** Its alternatives spelt out, each with near misses. */
const edges = fc.constantFrom(
  '',
  ...DIAGNOSTIC.source
    .slice(2, -2)
    .split('|')
    .flatMap((n) =>
      n === '_?_?trace_var'
        ? ['trace_var', '_trace_var', '__trace_var', '___trace_var']
        : n === 'TRACE_\\w+'
          ? ['TRACE_', 'TRACE_2D', 'TRACE_0D\n', 'TRACE_x y', 'TRACE_-', 'xTRACE_1D']
          : [n, `${n} `, `_${n}`],
    ),
);

describe('isDiagnosticOutput', () => {
  it('answers as /^(printk|…|TRACE_\\w+|CPUMASK_PR)$/', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          word,
          edges,
          fc.tuple(edges, word).map(([a, b]) => a + b),
        ),
        (name) => {
          assert.equal(isDiagnosticOutput(name), DIAGNOSTIC.test(name), JSON.stringify(name));
        },
      ),
      { numRuns: 5000, seed: 20261126 },
    );
  });
});

describe('parseDeclaration', () => {
  it('skips `__attribute`-like words (`__` and a letter or more) before and after a declarator, not `__` alone', () => {
    const read = (text: string): unknown => {
      const tokens = tokenize(text);
      const d = parseDeclaration(tokens, 0, tokens.length, (n) => n.endsWith('_t'));
      return d?.declarators.map((x) => [x.name, x.type.base, x.type.ptr]);
    };
    assert.deepEqual(read('static __read_mostly struct csched_private *prv __cacheline_aligned'), [['prv', 'struct csched_private', 1]]);
    assert.deepEqual(read('__x spinlock_t __y lock'), [['lock', 'spinlock_t', 0]]);
    // `__` alone is no attribute: it is the type name, and `x` its declarator.
    assert.deepEqual(read('__ x'), [['x', '__', 0]]);
    assert.deepEqual(read('__typeof__(a) b'), [['b', '?', 0]]);
  });
});

// Sets of names and a first-character test in place of patterns: the same answers.
describe('isAllocator and isDeallocator', () => {
  /** The patterns the sets replaced. */
  const ALLOC = /^_?xv?(?:[mz]|re)alloc(_array|_flex_struct|_bytes)?$/;
  const FREE = /^_?xv?free$/;
  const part = fc.constantFrom(
    '',
    '_',
    '__',
    'x',
    'xv',
    'v',
    'm',
    'z',
    're',
    'c',
    'alloc',
    'free',
    '_array',
    '_flex_struct',
    '_bytes',
    '\n',
    'X',
    'FREE',
    'XV',
  );
  const name = fc.oneof(
    fc.array(part, { maxLength: 6 }).map((p) => p.join('')),
    fc.constantFrom('xmemdup', 'alloc_domheap_page', 'alloc_domain_struct', 'alloc_vcpu_struct', 'XFREE', 'XVFREE', 'xzalloc_array\n'),
  );
  it('answers as the patterns (and the names beside them)', () => {
    const arch = new Set(['xmemdup', 'alloc_domheap_page', 'alloc_domain_struct', 'alloc_vcpu_struct']);
    fc.assert(
      fc.property(name, (n) => {
        assert.equal(isAllocator(n), ALLOC.test(n) || arch.has(n), JSON.stringify(n));
        assert.equal(isDeallocator(n), FREE.test(n) || n === 'XFREE' || n === 'XVFREE', JSON.stringify(n));
      }),
      { numRuns: 5000, seed: 20261126 },
    );
    assert.ok(isAllocator('_xvrealloc_flex_struct') && isAllocator('xzalloc') && !isAllocator('xcalloc'));
    assert.ok(isDeallocator('_xvfree') && !isDeallocator('vfree'));
  });
});

describe('storesConstant', () => {
  const PATTERN = /^\s*(?:[1-9]|true\s*$)/;
  const piece = fc.constantFrom(
    '',
    ' ',
    '\t',
    '\n',
    '\u00a0',
    '\u2028',
    '\ufeff',
    '0',
    '1',
    '9',
    't',
    'true',
    'false',
    'x',
    '(',
    '-',
    '!',
    'é',
  );
  it('answers as its pattern on `=`, whatever the right-hand side starts with', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 4 }), fc.constantFrom('=', '|=', '+='), (p, op) => {
        const rhs = p.join('');
        const a = { lhs: 'x', rhs, op, start: 0, end: 1, rhsCall: undefined };
        assert.equal(storesConstant(a), op === '=' && PATTERN.test(rhs), JSON.stringify(rhs));
      }),
      { numRuns: 5000, seed: 20261126 },
    );
  });
});

describe('defines', () => {
  /** The multiline pattern whose matches `defines` finds from each `#`. */
  const DEFINE = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(\(([^)]*)\))?((?:[^\n\\]|\\.|\\\n)*)/gm;
  const piece = fc.constantFrom(
    '#',
    'define',
    ' ',
    '\t',
    '\n',
    '\r',
    '\r\n',
    '\u2028',
    '\u2029',
    '\\',
    'A',
    'x',
    '(',
    ')',
    'a,b',
    '/* c */',
    ';',
    '##',
    '# define',
  );
  it('finds what the global multiline pattern matches, at the same offsets', () => {
    const shown = (ms: Iterable<RegExpMatchArray>): unknown[] => [...ms].map((m) => [m.index, ...m]);
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (p) => {
        const text = p.join('');
        assert.deepEqual(shown(defines(text)), shown(text.matchAll(DEFINE)), JSON.stringify(text));
      }),
      { numRuns: 20000, seed: 20261126 },
    );
    assert.deepEqual(
      defines('#define A 1\n  # define B(x) x \\\n  + 1\nint y; #define C\n').map((m) => m[1]),
      ['A', 'B'],
    );
  });
});

describe('paramNames', () => {
  /** Pieces of parameter lists: types, names, brackets, commas, and what sends a list to the text reading. */
  const piece = fc.constantFrom(
    '(',
    ')',
    ',',
    ' ',
    '\n',
    '\t',
    '*',
    'void',
    'int',
    'struct vcpu',
    'v',
    'cpu',
    '...',
    '(*fn)',
    '(void *)',
    'const',
    '1',
    '[',
    ']',
    '[NR]',
    '/* a, b */',
    '// c\n',
    '"x,y"',
    "','",
    '#if X\n',
    '\\\n',
    '\u00a0',
    '\x01',
  );
  const list = fc.array(piece, { maxLength: 16 }).map((p) => p.join(''));

  it('reads every list as the text reading does (split at top-level commas, each piece lexed)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          list,
          list.map((l) => `(${l})`),
        ),
        (l) => {
          assert.deepEqual(paramNames(l), paramNamesOfText(l), JSON.stringify(l));
        },
      ),
      { numRuns: 20000, seed: 20261126 },
    );
  });

  it('names the parameters of the usual lists', () => {
    assert.deepEqual(paramNames('(struct vcpu *v, unsigned int cpu)'), ['v', 'cpu']);
    assert.deepEqual(paramNames('( void )'), []);
    assert.deepEqual(paramNames('()'), []);
    assert.deepEqual(paramNames('(int, const char *fmt, ...)'), ['', 'fmt', '']);
  });
});
