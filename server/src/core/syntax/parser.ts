// Loads web-tree-sitter and the tree-sitter-c grammar (both WASM, shipped with
// the npm packages and copied beside the bundles: nothing is downloaded).
import * as fs from 'node:fs';
import * as path from 'node:path';

import { Language, Parser, type Tree } from 'web-tree-sitter';

let language: Promise<Language> | undefined;

/** First existing file among the candidates (bundle folder first, then the installed packages). */
function locate(file: string, pkgPath: string): string {
  const candidates = [path.join(__dirname, file), path.join(__dirname, '..', file)];
  try {
    candidates.push(require.resolve(pkgPath));
  } catch {
    // Not resolvable from a bundle without node_modules; the bundle copy is used.
  }
  for (const c of candidates) if (fs.existsSync(c)) return c;
  throw new Error(`cannot find ${file} (looked in ${candidates.join(', ')})`);
}

/** The C language, loaded once per process. */
function loadC(): Promise<Language> {
  language ??= (async () => {
    const runtime = locate('tree-sitter.wasm', 'web-tree-sitter/tree-sitter.wasm');
    await Parser.init({ locateFile: () => runtime } as never);
    return Language.load(locate('tree-sitter-c.wasm', 'tree-sitter-c/tree-sitter-c.wasm'));
  })();
  return language;
}

/** A parser for C. Parsers hold WASM memory: call `delete()` when done with one. */
export async function createParser(): Promise<Parser> {
  const lang = await loadC();
  const parser = new Parser();
  parser.setLanguage(lang);
  return parser;
}

export interface ParseLimits {
  /** Milliseconds after which the parse is abandoned (returns null). */
  timeoutMs?: number;
}

/**
 * Parses `text`, reusing `oldTree` (already `edit`ed) when given. Returns null
 * only when the time limit was hit.
 */
export function parseText(parser: Parser, text: string, oldTree?: Tree | null, limits: ParseLimits = {}): Tree | null {
  const deadline = limits.timeoutMs !== undefined ? performance.now() + limits.timeoutMs : undefined;
  const options =
    deadline === undefined
      ? undefined
      : {
          progressCallback: () => (performance.now() > deadline) as unknown as void,
        };
  return parser.parse(text, oldTree ?? null, options);
}
