// Named lines in fixture text. A fixture marks a line the tests talk about with
// a comment of its own, `/* @name */` (or `// @name` ending the line), beside
// the code; a test asks for the line of `@name` instead of writing its number,
// so the expectation moves with the fixture. Markers are comments: they change
// no analysis result. Put one at the end of a line (a marker on a line of its
// own would shift the lines below it).
//
// Shared by the core and language-server suites and the end-to-end run, which
// imports the compiled out/test/shared/fixtureMarks.js.
import { applyPatch, parsePatch } from 'diff';

/** Where a marker is. */
export interface MarkedLine {
  /** 1-based line: the CLI's, SARIF's and the messages' numbering. */
  line: number;
  /** 0-based line: LSP positions and the core's line index. */
  line0: number;
}

const MARKER = /\/\*\s*@([A-Za-z_]\w*)\s*\*\/|\/\/\s*@([A-Za-z_]\w*)\s*$/g;

/**
 * The markers of a fixture text, looked up by name (without the `@`). Throws
 * when a marker is written twice in the text, and when a name looked up is
 * not there; `what` (a file name) goes into the message.
 */
export function fixtureMarks(text: string, what = 'fixture'): (name: string) => MarkedLine {
  const lines = new Map<string, number[]>();
  text.split('\n').forEach((l, i) => {
    for (const m of l.matchAll(MARKER)) {
      const name = (m[1] ?? m[2])!;
      lines.set(name, [...(lines.get(name) ?? []), i]);
    }
  });
  for (const [name, at] of lines)
    if (at.length > 1) throw new Error(`${what}: marker @${name} is on ${at.length} lines (${at.map((i) => i + 1).join(', ')})`);
  return (name) => {
    const i = lines.get(name)?.[0];
    if (i === undefined) throw new Error(`${what}: no marker @${name} (a comment /* @${name} */ on the line)`);
    return { line: i + 1, line0: i };
  };
}

/**
 * The markers of the post-image a patch (a format-patch mail, an mbox series
 * of them, or a bare unified diff) makes of one base file: a marker written on
 * a line the patch adds. The post-image is computed here with the `diff`
 * package, independently of the core's patch module.
 */
export function patchMarks(patchText: string, file: string, base: string): (name: string) => MarkedLine {
  let text = base;
  // Mail by mail: an mbox starts each with git's "From <commit> <date>" line,
  // and git's signature ("-- " and its version) ends one.
  for (const mail of patchText.split(/^(?=From [0-9a-f]{40} )/m)) {
    for (const patch of parsePatch(mail.split(/^-- $/m)[0]!)) {
      if (patch.newFileName !== `b/${file}`) continue;
      const next = applyPatch(text, patch);
      if (next === false) throw new Error(`${file}: the patch does not apply to the base`);
      text = next;
    }
  }
  return fixtureMarks(text, `${file} after the patch`);
}
