// A function whose own code makes nothing private (PrivateSources.noneByItself:
// it is no allocator, frees nothing, takes no local's address and assigns
// no local what an allocator by name returns) has nothing private while no
// analysed callee allocates: lifetimesOf's first round answers so without
// walking it (guards/discipline.ts). Held here against the full walk
// (objectLifetimes with a stand-in private parameter, which no shortcut
// answers) on every function of the protocol fixtures and a few of our own.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { Analyzer } from '../../server/src/core/analyzer';
import { disciplineOf } from '../../server/src/core/guards/discipline';
import { objectLifetimes } from '../../server/src/core/guards/objects';

const PROTOCOL = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'protocol');

const OWN = [
  'struct foo { int n; struct list_head elem; };',
  'void made(void)',
  '{',
  '    struct foo *p;',
  '    p = xzalloc(struct foo);',
  '    p->n = 1;',
  '}',
  'void freed(struct foo *p)',
  '{',
  '    p->n = 0;',
  '    xfree(p);',
  '}',
  'void chained(struct foo *p)',
  '{',
  '    struct foo *q = p;',
  '    q->n = 2;',
  '}',
  '',
].join('\n');

describe('what makes an object private to a function', () => {
  it('a function whose own code makes nothing private has nothing private while no callee allocates (the full walk agrees)', async () => {
    const analyzer = await Analyzer.create();
    const files = [
      ...fs
        .readdirSync(PROTOCOL)
        .filter((n) => n.endsWith('.c'))
        .sort()
        .map((n) => ({ path: n, text: fs.readFileSync(path.join(PROTOCOL, n), 'utf8') })),
      { path: 'own.c', text: OWN },
    ];
    const STAND_IN = '\u0000stand-in';
    let byItself = 0;
    let maybe = 0;
    for (const file of files) {
      const [analysed] = analyzer.analyzeMany([file]);
      const d = disciplineOf(analysed!)!;
      for (const f of d.functions.values()) {
        if (!f.privateSources.noneByItself()) {
          maybe++;
          continue;
        }
        byItself++;
        assert.equal(
          f.privateSources.none(() => false),
          true,
          `${file.path}: ${f.name}`,
        );
        // The walk itself: a stand-in private parameter no shortcut answers for, nothing else private.
        const lt = objectLifetimes(
          f.fn,
          () => false,
          () => false,
          new Set([STAND_IN]),
          () => false,
          f.file.text,
        );
        assert.deepEqual([...lt.fresh.keys()], [STAND_IN], `${file.path}: ${f.name}`);
        assert.deepEqual([lt.dying.size, lt.returnsFresh, lt.walks.length], [0, false, 0], `${file.path}: ${f.name}`);
      }
      if (file.path === 'own.c')
        assert.deepEqual(
          [...d.functions.values()].map((f) => `${f.name}: ${f.privateSources.noneByItself()}`),
          ['made: false', 'freed: false', 'chained: true'],
        );
    }
    assert.ok(byItself > 100 && maybe > 5, `${byItself} functions by themselves, ${maybe} maybe`);
  });
});
