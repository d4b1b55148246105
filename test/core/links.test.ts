// Every link in the repository resolves inside it: Markdown links (and their
// #anchors) in the docs, and the `*.md` files that comments and schemas name.
// A reader following a reference must never land on a file we do not ship.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { REPO } from './fixtures';

/** Files the build writes (the grammar's provenance note next to the bundles). */
const GENERATED = new Set(['GRAMMAR.md']);

const SKIP = new Set(['node_modules', 'out', 'dist', '.cache', '.git', 'screenshots', 'corpus']);

function files(dir: string, ext: RegExp): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (SKIP.has(e.name)) return [];
    const full = path.join(dir, e.name);
    return e.isDirectory() ? files(full, ext) : ext.test(e.name) ? [full] : [];
  });
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as dashes. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    out.add(
      m[1]!
        .trim()
        .toLowerCase()
        .replace(/[^\w\s-]/g, '')
        .replace(/\s/g, '-'),
    );
  }
  return out;
}

describe('links resolve inside the repository', () => {
  it('Markdown links and their anchors', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const file of files(REPO, /\.md$/)) {
      const text = fs.readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const m of text.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) {
        const target = m[1]!;
        if (/^(https?:|mailto:|command:)/.test(target)) continue;
        checked++;
        const [rel, anchor] = target.split('#') as [string, string | undefined];
        const resolved = rel ? path.resolve(path.dirname(file), rel) : file;
        const where = `${path.relative(REPO, file)}: ${target}`;
        if (!fs.existsSync(resolved)) {
          broken.push(`${where} (no such file)`);
          continue;
        }
        if (anchor && resolved.endsWith('.md') && !anchors(fs.readFileSync(resolved, 'utf8')).has(anchor))
          broken.push(`${where} (no such heading)`);
      }
    }
    assert.deepEqual(broken, []);
    assert.ok(checked > 20, `${checked} links checked`);
  });

  it('the *.md files comments, scripts and schemas name', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const file of files(REPO, /\.(ts|mjs|cjs|sh|json)$/)) {
      if (file.endsWith('package-lock.json')) continue;
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/[\w./-]*[\w-]\.md\b/g)) {
        // A template (docs/rules/XSRnnn.md) stands for the rule pages; build output is made by the build.
        const name = m[0].replace(/XSRnnn/, 'XSR001');
        if (/^(dist|out)\//.test(name) || GENERATED.has(name)) continue;
        checked++;
        const candidates = [REPO, path.dirname(file), path.join(REPO, 'docs'), path.join(REPO, 'docs', 'rules')].map((d) =>
          path.resolve(d, name),
        );
        if (!candidates.some((c) => fs.existsSync(c))) broken.push(`${path.relative(REPO, file)}: ${m[0]}`);
      }
    }
    assert.deepEqual(broken, []);
    assert.ok(checked > 5, `${checked} references checked`);
  });
});
