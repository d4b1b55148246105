// Reading fixture files with inline expectations (shared by the core tests).
import * as fs from 'node:fs';
import * as path from 'node:path';

import { type MarkedLine, patchMarks } from '../shared/fixtureMarks';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const FIXTURES = path.join(REPO, 'test', 'fixtures');
export const PATCHES = path.join(FIXTURES, 'patches');

export interface HeldExpectation {
  /** 1-based line. */
  line: number;
  must: string[];
  may: string[];
}

/** `/* held: A, B | may: C *\/` comments, by 1-based line. */
export function heldExpectations(text: string): HeldExpectation[] {
  return setExpectations(text, 'held');
}

/** `/* after: A, B | may: C *\/` comments (the locks held after the line's statements: its hint), by 1-based line. */
export function afterExpectations(text: string): HeldExpectation[] {
  return setExpectations(text, 'after');
}

function setExpectations(text: string, tag: 'held' | 'after'): HeldExpectation[] {
  const out: HeldExpectation[] = [];
  const re = new RegExp(`\\/\\*\\s*${tag}:\\s*([^|*]*?)\\s*(?:\\|\\s*may:\\s*([^*]*?)\\s*)?\\*\\/`);
  text.split('\n').forEach((l, i) => {
    const m = re.exec(l);
    if (!m) return;
    const list = (s: string | undefined): string[] =>
      !s || s.trim() === '-'
        ? []
        : s
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean)
            .sort();
    out.push({ line: i + 1, must: list(m[1]), may: list(m[2]) });
  });
  return out;
}

/** `/* expect XSRnnn *\/` or `// expect XSRnnn` comments as sorted "line:code" strings. */
export function findingExpectations(text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((l, i) => {
    const m = /(?:\/\*|\/\/)\s*expect\s+((?:XSR\d{3}[\s,]*)+)/.exec(l);
    if (!m) return;
    for (const code of m[1]!.split(/[\s,]+/).filter(Boolean)) out.push(`${i + 1}:${code}`);
  });
  return out.sort();
}

export function readFixture(...parts: string[]): string {
  return fs.readFileSync(path.join(FIXTURES, ...parts), 'utf8');
}

/** The marked lines (test/shared/fixtureMarks.ts) of a base file under test/fixtures/patches/base after the patch `patchName`. */
export function patchedMarks(patchName: string, file: string): (name: string) => MarkedLine {
  const read = (...parts: string[]): string => fs.readFileSync(path.join(PATCHES, ...parts), 'utf8');
  return patchMarks(read(patchName), file, read('base', file));
}
