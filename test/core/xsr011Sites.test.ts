// XSR011 keeps, of a lock taken both ways, only the sites its findings read
// (the odd side, and the first three of the usual side per file; all of them
// on a tie). Checked against the rule as first written, which kept every
// site, on generated folders: global locks taken with interrupts disabled,
// enabled (a hypercall) or in an unknown state, in two files, with ties.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type AnalysedFile, createAnalyzer } from '../../server/src/core/index';
import type { IrqEvent } from '../../server/src/core/locks/irq';
import { rng } from '../shared/rng';

type Acquire = Extract<IrqEvent, { k: 'irqAcquire' }>;
interface Site {
  file: AnalysedFile;
  name: string;
  e: Acquire;
}

const TAKES = [
  (l: string, i: number) =>
    `long do_x${i}_op(struct op *p)\n{\n    spin_lock(&${l});\n    p->n++;\n    spin_unlock(&${l});\n    return 0;\n}\n`,
  (l: string, i: number) =>
    `static void tick${i}(struct op *p)\n{\n    unsigned long flags;\n\n    spin_lock_irqsave(&${l}, flags);\n    p->n++;\n    spin_unlock_irqrestore(&${l}, flags);\n}\n`,
  (l: string, i: number) =>
    `static void drain${i}(struct op *p)\n{\n    spin_lock_irq(&${l});\n    p->n = 0;\n    spin_unlock_irq(&${l});\n}\n`,
  (l: string, i: number) => `static void plain${i}(struct op *p)\n{\n    spin_lock(&${l});\n    p->n--;\n    spin_unlock(&${l});\n}\n`,
];

function folder(seed: number): { path: string; text: string }[] {
  const next = rng(seed);
  let n = 0;
  return ['a.c', 'b.c'].map((path) => {
    const parts = ['DEFINE_SPINLOCK(a_lock);\nDEFINE_SPINLOCK(b_lock);\n'];
    for (let k = 1 + Math.floor(next() * 7); k > 0; k--)
      parts.push(TAKES[Math.floor(next() * TAKES.length)]!(next() < 0.7 ? 'a_lock' : 'b_lock', n++));
    return { path, text: parts.join('\n') };
  });
}

/** The rule's findings as first written (every site of a lock kept), on locks that are all globals. */
function reference(files: readonly AnalysedFile[], seen: { ties: number }): string[] {
  const byLock = new Map<string, Site[]>();
  for (const file of files)
    for (const fn of file.functions)
      for (const e of (fn as unknown as { irqEvents: IrqEvent[] }).irqEvents) {
        if (e.k !== 'irqAcquire' || e.kind === 'rcu') continue;
        const key = e.lock.replace(/:[rw]$/, '').replace(/^&/, '');
        byLock.set(key, [...(byLock.get(key) ?? []), { file, name: fn.syntax.name, e }]);
      }
  const out: string[] = [];
  for (const all of byLock.values()) {
    const sites = all.filter((s) => s.e.safe !== undefined);
    const known = new Set(sites.map((s) => `${s.file.path}:${s.e.start}`));
    const plainUnknown = new Set(
      all.filter((s) => s.e.safe === undefined && !known.has(`${s.file.path}:${s.e.start}`)).map((s) => `${s.file.path}:${s.e.start}`),
    );
    const safe = sites.filter((s) => s.e.safe);
    const unsafe = sites.filter((s) => !s.e.safe);
    if (!safe.length || !unsafe.length) continue;
    if (safe.length === unsafe.length) seen.ties++;
    const safeOdd = safe.length < unsafe.length || (safe.length === unsafe.length && plainUnknown.size > 0);
    const [odd, usual] = safeOdd ? [safe, unsafe] : [unsafe, safe];
    const other = usual[0]!;
    for (const s of odd) {
      const related = usual
        .filter((u) => u.file === s.file)
        .slice(0, 3)
        .map((u) => u.e.start);
      const eg = `${other.file.path}:${other.file.lineIndex.lineOf(other.e.start) + 1} (${other.name}, ${other.e.via})`;
      out.push(`${s.file.path} ${s.e.start}-${s.e.end} ${usual.length} others, e.g. ${eg}; related ${related.join(',')}`);
    }
  }
  return out.sort();
}

function found(files: readonly AnalysedFile[]): string[] {
  return files
    .flatMap((f) =>
      f.diagnostics
        .filter((d) => d.code === 'XSR011')
        .map((d) => {
          const others = /but (\d+) other/.exec(d.message)![1];
          const eg = /\(e\.g\. ([^)]*\))\)/.exec(d.message)![1];
          return `${f.path} ${d.start}-${d.end} ${others} others, e.g. ${eg}; related ${(d.related ?? []).map((r) => r.start).join(',')}`;
        }),
    )
    .sort();
}

describe('XSR011 on generated folders', () => {
  it('reports what the rule as first written reports (every site kept), ties included', async () => {
    const analyzer = await createAnalyzer();
    let findings = 0;
    const seen = { ties: 0 };
    for (let seed = 1; seed <= 60; seed++) {
      const files = analyzer.analyzeMany(folder(seed));
      const want = reference(files, seen);
      assert.deepEqual(found(files), want, `seed ${seed}`);
      findings += want.length;
    }
    assert.ok(findings > 20, `${findings} findings`);
    assert.ok(seen.ties > 0, 'some lock taken as often each way');
  });
});
