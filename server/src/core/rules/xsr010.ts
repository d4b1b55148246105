// XSR010 requirement-unmet: a call to a function that requires a lock (its
// name ends in `_locked`, it ASSERTs the lock, its other callers all hold it
// and it touches what the lock guards, or a callee of it requires it) where
// the lock is not held, in a function that cannot pass the requirement on:
// an entry point (a hook, a timer, a hypercall, …), whose callers hold what
// its context gives and nothing more. A function with callers of its own
// passes an unmet requirement on to them (it is then checked at their calls).
import type { FileAnalysis } from '../analysis';
import { FolderFindings, noFunctionFindings, relatedAt, runDiscipline, siteLabel } from './guardWords';
import { finding } from './report';
import type { Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  code: 'XSR010',
  slug: 'requirement-unmet',
  severity: 'error',
  summary: 'A call to a function that requires a lock (its _locked name, an ASSERT, or its other callers) where that lock is not held.',
};

function checkFolder(files: readonly FileAnalysis[]): { file: FileAnalysis; diagnostics: ReturnType<typeof finding>[] }[] {
  const d = runDiscipline(files);
  if (!d) return [];
  const out = new FolderFindings();
  for (const u of d.unmet) {
    // A protected list walk's lock is XSR015's. A requirement inherited through a chain of callees is reported
    // only when the chain starts at what the code states (an ASSERT, a _locked name): one learned from callers'
    // habits or a guarded access, several calls away, is too weak to accuse an entry point (xsr guards lists it).
    if (!u.caller.reported || u.requirement.iteration) continue;
    if (u.requirement.why === 'callee' && !u.requirement.stated) continue;
    const file = u.caller.file;
    const r = u.requirement;
    const held = u.entry.held.length ? `holding only ${u.entry.held.join(', ')}` : 'holding nothing';
    const entry = `${u.caller.name}() is ${u.entry.kind === 'scheduler-hook' ? `the ${u.entry.via.split('.').pop()} hook` : `a ${u.entry.kind} entry point (${u.entry.via})`}, entered ${held}`;
    const related = u.holders
      .slice(0, 3)
      .map((h) => relatedAt(file, h.fn, h.start, h.end, `${r.lock} held at this call (${siteLabel(h.fn, h.start)})`));
    if (r.why === 'assert' && r.line !== undefined) {
      const at = r.fn.file.lineIndex.offset({ line: r.line, character: 0 });
      related.unshift(relatedAt(file, r.fn, at, at, `the ASSERT (${siteLabel(r.fn, at)})`));
    }
    const message =
      r.lock === '*'
        ? `${u.callee.name}() is called with no lock held, but its name says its caller holds one: ${entry}.`
        : `${u.callee.name}() requires ${r.lock} (${r.evidence}), but ${entry}, and nothing here takes it.`;
    out.add(file, finding(meta, u.caller.fn, { start: u.call.start, end: u.call.end, related, message }));
  }
  return out.shares();
}

export const xsr010: Rule = { meta, check: noFunctionFindings, checkFolder };
