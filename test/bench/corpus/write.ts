// Writes a generated corpus to a folder: one .c file per corpus file, plus
// expected.json with the deliberate findings (not a C file, so `xsr check DIR`
// ignores it).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateCorpus, type Corpus, type CorpusOptions } from './generate';

export function writeCorpus(dir: string, opts: CorpusOptions = {}): Corpus {
  const corpus = generateCorpus(opts);
  mkdirSync(dir, { recursive: true });
  for (const f of corpus.files) writeFileSync(path.join(dir, f.name), f.text);
  writeFileSync(path.join(dir, 'expected.json'), JSON.stringify(corpus.expected, null, 2) + '\n');
  return corpus;
}
