// Tests written by character in place of a regex, on the discipline's hot
// paths: each answers as the regex it replaced, on the names it is asked
// about and on names built to sit at its edges.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { tokenize } from '../../server/src/core/syntax/tokens';
import { parseDeclaration } from '../../server/src/core/types/declarations';
import { isDiagnosticOutput } from '../../server/src/core/xen/accessOps';

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
