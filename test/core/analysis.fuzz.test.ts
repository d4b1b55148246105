// The fuzz suite of the core (issue 17): seeded random mutants of every
// fixture, the generated worst cases, and mutated patches. Every case ends
// with a result, never an exception: each query an editor or the CLI makes is
// asked of it (findings, fixes applied and re-analysed, hints, hovers, code
// lens targets, migration operations, the simulation model), the same text
// analysed again (and by another analyzer) gives the same answer, and a
// folder of mutants still reports its well-formed file. A failure names the
// seed (test/shared/mutate.ts makes the same mutant from it).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';

import { createTwoFilesPatch } from 'diff';

import {
  type AnalysedFile,
  applyEdits,
  checkPatch,
  type CoreAnalyzer,
  createAnalyzer,
  ExtractError,
  extractModel,
  fixAll,
  hoverInfo,
  lockHints,
  migrationOpsIn,
  simulationTargets,
} from '../../server/src/core/index';
import { fixtureMarks } from '../shared/fixtureMarks';
import { mutant, Rng } from '../shared/mutate';
import { BYSTANDER, worstCases } from '../shared/worstCases';
import { FIXTURES, REPO } from './fixtures';

/** Mutants per run: thousands, a fixed number (the same ones every run), not a time budget. */
const MUTANTS = 2000;
/** Mutants analysed together as one folder, per folder run. */
const FOLDER = 25;

function corpus(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (fs.statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.c')) out.push(fs.readFileSync(full, 'utf8'));
    }
  };
  walk(FIXTURES);
  out.push(fs.readFileSync(path.join(REPO, 'examples', 'sched_example.c'), 'utf8'));
  return out;
}

/** Everything an analysis says, for comparing two analyses of one text. */
function view(f: AnalysedFile): unknown {
  return {
    diagnostics: f.diagnostics.map((d) => ({ ...d })),
    functions: f.functions.map((fn) => ({
      name: fn.syntax.name,
      start: fn.syntax.start,
      end: fn.syntax.end,
      degraded: fn.degraded,
      lines: fn.lineLocks,
      summary: fn.summary,
    })),
    parseErrors: f.parseErrors,
  };
}

/** Asks every query of an analysis; throws (failing the test) if any does. */
function exercise(analyzer: CoreAnalyzer, r: AnalysedFile, rng: Rng): void {
  const text = r.text;
  const { edits } = fixAll(r);
  for (let i = 1; i < edits.length; i++) assert.ok(edits[i - 1]!.end <= edits[i]!.start, 'fix edits do not overlap');
  for (const e of edits) assert.ok(e.start >= 0 && e.end <= text.length && e.start <= e.end, 'fix edits lie in the text');
  if (edits.length) analyzer.analyze({ path: r.path, text: applyEdits(text, edits) });
  lockHints(r, 'changes');
  lockHints(r, 'all');
  for (let k = 0; k < 4; k++) hoverInfo(r, rng.int(text.length + 1));
  const targets = simulationTargets(r);
  for (const fn of r.functions.slice(0, 3)) migrationOpsIn(r, fn.syntax.name);
  if (targets.length) {
    try {
      extractModel(r, [targets[0]!.name]);
    } catch (e) {
      // A clear refusal (the function cannot be modelled) is an answer; anything else is a bug.
      if (!(e instanceof ExtractError)) throw e;
    }
  }
}

function failure(seed: number, text: string, e: unknown): Error {
  const file = path.join(fs.mkdtempSync(path.join(REPO, 'out', 'fuzz-')), `mutant-${seed}.c`);
  fs.writeFileSync(file, text);
  return new Error(`seed ${seed} (mutant saved as ${file}): ${(e as Error).stack ?? String(e)}`);
}

describe('fuzz: the core on random mutants', () => {
  let a: CoreAnalyzer;
  let b: CoreAnalyzer;
  let texts: string[];
  before(async () => {
    a = await createAnalyzer();
    b = await createAnalyzer();
    texts = corpus();
  });

  it(
    `${MUTANTS} mutants of the fixtures: every query answers, and the same text gets the same answer (again, and from another analyzer)`,
    { timeout: 900_000 },
    () => {
      let functions = 0;
      let degraded = 0;
      for (let seed = 1; seed <= MUTANTS; seed++) {
        const text = mutant(texts, seed);
        try {
          const r = a.analyze({ path: `m${seed}.c`, text });
          functions += r.functions.length;
          degraded += r.functions.filter((f) => f.degraded).length;
          assert.deepEqual(view(a.analyze({ path: `m${seed}.c`, text })), view(r), 'the same analyzer, again');
          // Another analyzer (other caches, other history) for every fifth.
          if (seed % 5 === 0) assert.deepEqual(view(b.analyze({ path: `m${seed}.c`, text })), view(r), 'another analyzer');
          exercise(a, r, new Rng(seed));
        } catch (e) {
          throw failure(seed, text, e);
        }
      }
      // The mutants are still mostly code: the suite exercises the analysis, not only the parser's recovery.
      assert.ok(functions > MUTANTS * 2, `${functions} functions in ${MUTANTS} mutants`);
      assert.ok(degraded < functions / 20, `${degraded} of ${functions} functions not analysed in full`);
    },
  );

  it('folders of mutants: every file analysed together, the well-formed one still reported', { timeout: 600_000 }, () => {
    const expected = `${fixtureMarks(BYSTANDER)('bystander_leak').line}:XSR007`;
    for (let folder = 0; folder < 8; folder++) {
      const files = Array.from({ length: FOLDER }, (_, i) => ({
        path: `d${folder}/m${i}.c`,
        text: mutant(texts, 100_000 + folder * FOLDER + i),
      }));
      files.splice(folder % FOLDER, 0, { path: `d${folder}/bystander.c`, text: BYSTANDER });
      const all = a.analyzeMany(files);
      assert.deepEqual(
        all.map((r) => r.path),
        files.map((f) => f.path),
      );
      const by = all.find((r) => r.path.endsWith('bystander.c'))!;
      assert.deepEqual(
        by.diagnostics.map((d) => `${by.lineIndex.lineOf(d.start) + 1}:${d.code}`),
        [expected],
        `folder ${folder}`,
      );
      // Another analyzer, the same folder: the same answer.
      assert.deepEqual(view(b.analyzeMany(files)[folder % FOLDER]!), view(by));
    }
  });
});

describe('fuzz: generated worst cases', () => {
  it(
    'each ends with a result (or a note), the same twice; together in a folder the well-formed file is reported',
    { timeout: 900_000 },
    async () => {
      const a = await createAnalyzer();
      const b = await createAnalyzer();
      const cases = worstCases();
      for (const c of cases) {
        const r = a.analyze({ path: `${c.name}.c`, text: c.text });
        assert.ok(r.functions.length >= 1, c.name);
        assert.deepEqual(view(b.analyze({ path: `${c.name}.c`, text: c.text })), view(r), c.name);
        exercise(a, r, new Rng(1));
      }
      const all = a.analyzeMany([...cases.map((c) => ({ path: `${c.name}.c`, text: c.text })), { path: 'bystander.c', text: BYSTANDER }]);
      const by = all.at(-1)!;
      assert.deepEqual(
        by.diagnostics.map((d) => `${by.lineIndex.lineOf(d.start) + 1}:${d.code}`),
        [`${fixtureMarks(BYSTANDER)('bystander_leak').line}:XSR007`],
      );
    },
  );
});

describe('fuzz: patches', () => {
  it('300 mutated files as patches of their originals: a result or a clear error, the same twice', { timeout: 600_000 }, async () => {
    const a = await createAnalyzer();
    const texts = corpus();
    for (let seed = 1; seed <= 300; seed++) {
      const rng = new Rng(seed);
      const original = rng.pick(texts);
      const changed = mutant([original], seed);
      const file = 'xen/common/sched/fuzz.c';
      let patch = createTwoFilesPatch(`a/${file}`, `b/${file}`, original, changed);
      // Now and then the patch itself is damaged: a line cut, a hunk header changed.
      if (rng.next() < 0.3) patch = mutant([patch], seed);
      try {
        const once = checkPatch(patch, (p) => (p === file ? original : undefined), a);
        const twice = checkPatch(patch, (p) => (p === file ? original : undefined), a);
        const summary = (r: typeof once): unknown =>
          'error' in r ? r.error : r.files.map((f) => [f.path, f.diagnostics.map((d) => `${d.start}:${d.code}:${d.message}`)]);
        assert.deepEqual(summary(twice), summary(once));
        if ('error' in once) assert.match(once.error, /\S/);
      } catch (e) {
        throw failure(seed, patch, e);
      }
    }
  });
});
