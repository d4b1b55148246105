// Patches as reviewers receive them: a plain unified diff, one `git
// format-patch` mail, or a series of mails in an mbox. Splits the input into
// patches (in order) and parses each one's diff with the `diff` package.
import { parsePatch, type StructuredPatch } from 'diff';

interface PatchFile {
  /** Path before and after, without the a/ b/ prefixes; undefined for /dev/null. */
  oldPath?: string;
  newPath?: string;
  patch: StructuredPatch;
}

export interface Patch {
  /** The mail's subject (without `[PATCH n/m]`), or 'diff' for a bare diff. */
  subject: string;
  files: PatchFile[];
}

const MBOX_FROM = /^From [0-9a-f]{7,40} .*\d{4}$/;

/** Splits an mbox (or a single mail / bare diff) into its messages. */
export function splitMails(text: string): string[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const out: string[][] = [];
  let cur: string[] = [];
  for (const l of lines) {
    if (MBOX_FROM.test(l) && cur.some((x) => x.trim() !== '')) {
      out.push(cur);
      cur = [];
    }
    cur.push(l);
  }
  out.push(cur);
  return out.map((m) => m.join('\n')).filter((m) => m.trim() !== '');
}

function subjectOf(mail: string): string {
  const m = /^Subject:\s*(.*(?:\n[ \t].*)*)/m.exec(mail);
  if (!m) return 'diff';
  return m[1]!
    .replace(/\n[ \t]+/g, ' ')
    .replace(/^\[[^\]]*PATCH[^\]]*\]\s*/i, '')
    .trim();
}

/** The diff part of one mail: from the first file header to the signature (`-- `). */
function diffPart(mail: string): string {
  const lines = mail.split('\n');
  let start = lines.findIndex(
    (l, i) => /^diff --git /.test(l) || (/^--- /.test(l) && /^\+\+\+ /.test(lines[i + 1] ?? '')) || /^Index: /.test(l),
  );
  if (start < 0) return '';
  const sig = lines.findIndex((l, i) => i > start && l === '-- ');
  const end = sig < 0 ? lines.length : sig;
  // A "diff --git" header is what parsePatch expects to open a file; keep it.
  if (start > 0 && /^diff --git /.test(lines[start - 1] ?? '')) start--;
  return withGitHeaders(lines.slice(start, end)).join('\n') + '\n';
}

/**
 * A git file block without hunks (a pure rename or copy, a mode change) has
 * no `---`/`+++` lines, and the diff parser would drop it: give it the file
 * headers its git lines imply, so the series applies as `git am` would.
 */
function withGitHeaders(lines: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const header = /^diff --git a\/(\S+) b\/(\S+)$/.exec(lines[i]!);
    out.push(lines[i]!);
    if (!header) continue;
    let j = i + 1;
    let from = header[1]!;
    let to = header[2]!;
    let hasFiles = false;
    let binary = false;
    for (; j < lines.length && !/^diff --git /.test(lines[j]!); j++) {
      const l = lines[j]!;
      if (/^--- /.test(l) || /^@@ /.test(l)) hasFiles = true;
      if (/^(GIT binary patch|Binary files )/.test(l)) binary = true;
      const m = /^(?:rename|copy) (from|to) (.+)$/.exec(l);
      if (m) {
        if (m[1] === 'from') from = m[2]!;
        else to = m[2]!;
      }
    }
    if (hasFiles || binary) continue;
    // The git lines of this block, then the headers they imply.
    for (i++; i < j; i++) out.push(lines[i]!);
    i--;
    if (!/^deleted file mode/m.test(out.slice(-8).join('\n'))) out.push(`--- a/${from}`, `+++ b/${to}`);
  }
  return out;
}

function stripPrefix(name: string | undefined): string | undefined {
  if (!name || name === '/dev/null') return undefined;
  const n = name.replace(/\t.*$/, '').trim();
  if (n === '/dev/null') return undefined;
  return n.replace(/^[ab]\//, '');
}

/** Parses the input; an input with no unified diff in it gives an error. */
export function parsePatches(text: string): { patches: Patch[] } | { error: string } {
  if (text.includes('\u0000')) return { error: 'not a patch: binary input' };
  const patches: Patch[] = [];
  for (const mail of splitMails(text)) {
    const diff = diffPart(mail);
    if (!diff.trim()) continue;
    let parsed: StructuredPatch[];
    try {
      parsed = parsePatch(diff);
    } catch (e) {
      return { error: `not a valid unified diff in "${subjectOf(mail)}": ${(e as Error).message}` };
    }
    const files: PatchFile[] = [];
    for (const p of parsed) {
      if (!p.oldFileName && !p.newFileName && p.hunks.length === 0) continue;
      const f: PatchFile = { patch: p };
      const o = stripPrefix(p.oldFileName);
      const n = stripPrefix(p.newFileName);
      if (o) f.oldPath = o;
      if (n) f.newPath = n;
      if (!o && !n) continue;
      files.push(f);
    }
    if (files.length) patches.push({ subject: subjectOf(mail), files });
  }
  if (patches.length === 0)
    return { error: 'not a patch: no unified diff found (expected "diff --git", or "---"/"+++" file headers and "@@" hunks)' };
  return { patches };
}
