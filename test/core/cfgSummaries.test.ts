// The CFG builder reads two summaries off the nodes as it makes them (cfg/types.ts:
// Cfg.callees and Cfg.migrationKinds), which the call-graph order, the cache keys
// and the migration rules read instead of walking the nodes again. They must be
// exactly what such a walk gives, in the same order, for every function of the
// fixtures (the protocol ones perform every kind of migration operation).
// The builder also takes a body's end and error flag as findFunctions read them.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import { buildCfg } from '../../server/src/core/cfg/build';
import { calleesOf } from '../../server/src/core/cfg/callees';
import { migrationKindsIn } from '../../server/src/core/migration/view';
import { findFunctions } from '../../server/src/core/syntax/functions';
import { LineIndex } from '../../server/src/core/syntax/lineIndex';
import { migrationOps } from '../../server/src/core/xen/migration';
import { FIXTURES, protocolAnalyzer } from './rulesHarness';

/** Every protocol fixture as a source file. */
function fixtureFiles(): { path: string; text: string }[] {
  return fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.c'))
    .map((f) => ({ path: f, text: fs.readFileSync(path.join(FIXTURES, f), 'utf8') }));
}

test('the builder’s callees and migration kinds are those of a walk over the nodes, in node order', async () => {
  const analyzer = await protocolAnalyzer();
  const files = fixtureFiles();
  const kindsSeen = new Set<string>();
  let withCalls = 0;
  for (const file of analyzer.analyzeMany(files)) {
    for (const fn of file.functions) {
      const where = `${file.path}: ${fn.syntax.name}`;
      const walked = [...new Set(fn.cfg.nodes.flatMap((n) => n.facts.calls.map((c) => c.name)))];
      assert.ok(fn.cfg.callees, where);
      assert.deepEqual([...calleesOf(fn.cfg)], walked, where);
      const kinds = [...new Set(fn.cfg.nodes.flatMap((n) => migrationOps(n.facts).map((op) => op.kind)))];
      assert.ok(fn.cfg.migrationKinds, where);
      assert.deepEqual([...migrationKindsIn(fn)], kinds, where);
      for (const k of kinds) kindsSeen.add(k);
      if (walked.length > 0) withCalls++;
    }
  }
  // The fixtures exercise the kinds the rules ask about.
  assert.deepEqual([...kindsSeen].sort(), ['migrateFinish', 'migrateStart', 'oldMigrate', 'setMigrating', 'sleep', 'sleepLocked']);
  assert.ok(withCalls > 50);
});

test('a CFG made without the builder’s summaries is walked', async () => {
  const analyzer = await protocolAnalyzer();
  const text = fs.readFileSync(path.join(FIXTURES, 'xsr004_start_without_finish.c'), 'utf8');
  const fn = analyzer.analyze({ path: 'x.c', text }).functions.find((f) => migrationKindsIn(f).has('migrateStart'))!;
  const bare = { ...fn.cfg, callees: undefined, migrationKinds: undefined };
  assert.deepEqual([...calleesOf(bare)], [...calleesOf(fn.cfg)]);
  assert.deepEqual([...migrationKindsIn({ ...fn, cfg: bare })], [...migrationKindsIn(fn)]);
});

test('a body findFunctions found builds the same CFG as the same body reached otherwise (its end and error flag remembered)', async () => {
  const analyzer = await protocolAnalyzer();
  const texts = fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.c'))
    .map((f) => fs.readFileSync(path.join(FIXTURES, f), 'utf8'));
  // Bodies with syntax errors (the flag decides which statements are asked for theirs) and one left unclosed.
  texts.push(
    'static void broken(struct domain *d)\n{\n    struct vcpu *v;\n    for_each_vcpu ( d, v )\n        x = ;\n    spin_lock(&l);\n    if ( a ) ) b();\n}\n',
    'static void open(void)\n{\n    spin_lock(&l);\n    if ( x ) {\n\nstatic int after(void)\n{\n    return 1;\n}\n',
  );
  let withErrors = 0;
  for (const text of texts) {
    const tree = analyzer.parse(text);
    try {
      const lines = new LineIndex(text);
      const found = findFunctions(tree, text);
      const defs = tree.rootNode.descendantsOfType('function_definition');
      for (const f of found) {
        const def = defs.find((d) => d !== null && d.startIndex === f.start);
        const fresh = def?.childForFieldName('body');
        if (!fresh || fresh.startIndex !== f.bodyStart) continue;
        const known = buildCfg(f.body!, text, lines);
        const asked = buildCfg(fresh, text, lines);
        assert.deepEqual(known, asked, f.name);
        if (asked.hasError) withErrors++;
      }
    } finally {
      tree.delete();
    }
  }
  assert.ok(withErrors >= 2, `${withErrors} bodies with errors`);
});

test('edges and one-edge successor lists are shared between CFGs, and no analysis changes them', async () => {
  const analyzer = await protocolAnalyzer();
  const files = fixtureFiles();
  // Every fixture's CFGs as plain data, then every rule run over them (and over the fixtures again).
  const first = analyzer.analyzeMany(files);
  const before = JSON.stringify(first.map((f) => f.functions.map((fn) => fn.cfg.nodes.map((n) => n.succ))));
  const again = analyzer.analyzeMany(files);
  assert.equal(JSON.stringify(first.map((f) => f.functions.map((fn) => fn.cfg.nodes.map((n) => n.succ)))), before);
  // The same edge lists as a fresh build's, and made of the same objects.
  let shared = 0;
  for (let i = 0; i < first.length; i++)
    for (let j = 0; j < first[i]!.functions.length; j++) {
      const a = first[i]!.functions[j]!.cfg.nodes;
      const b = again[i]!.functions[j]!.cfg.nodes;
      assert.deepEqual(
        a.map((n) => n.succ),
        b.map((n) => n.succ),
      );
      for (let k = 1; k < a.length; k++) if (a[k]!.succ.length === 1 && a[k]!.succ === b[k]!.succ) shared++;
    }
  assert.ok(shared > 100, `${shared} shared lists`);
});
