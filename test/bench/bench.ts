// `npm run bench [-- --json] [--xen XEN_GIT_DIR [--xen-tags] [--xen-only]]`: every
// figure an issue names, measured here (with --xen: on real Xen, see xen/xenBench.ts).
// With --json the last line is one JSON object with all figures.
import * as path from 'node:path';

import { benchCore, benchXen } from './coreBench';
import { extraBenches } from './extra';
import { benchXenGit } from './xen/xenBench';

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const repo = path.resolve(__dirname, '..', '..', '..');
  const log = (s: string): void => {
    if (!json) console.log(s);
    else process.stderr.write(s + '\n');
  };
  const all: Record<string, unknown> = {};
  const args = process.argv.slice(2);
  const xen = args.includes('--xen') ? args[args.indexOf('--xen') + 1] : undefined;
  if (args.includes('--xen') && !xen) throw new Error('--xen needs a Xen git directory (a clone or a bare mirror)');
  if (xen) {
    log(`xen: ${xen}`);
    Object.assign(all, await benchXenGit(repo, xen, { allTags: args.includes('--xen-tags'), log }));
  }
  if (xen && args.includes('--xen-only')) return report(all, json);
  log('core: generating the corpus and measuring parse/analyse…');
  const core = await benchCore(repo);
  Object.assign(all, core.figures);
  if (process.env.XEN_TREE) {
    log(`core: XEN_TREE=${process.env.XEN_TREE}`);
    Object.assign(all, (await benchXen(process.env.XEN_TREE)) ?? { xenTree: 'no scheduler files found' });
  }
  for (const b of extraBenches) {
    log(`${b.name}…`);
    try {
      Object.assign(all, await b.run({ repo, corpusDir: core.corpusDir, files: core.files }));
    } catch (e) {
      all[`${b.name}Error`] = (e as Error).message;
    }
  }
  report(all, json);
  // The figures are out: end here. A language server a bench left running (its index thread,
  // an idle timer) must not keep the process alive; one run of ten was seen to linger.
  process.exit(0);
}

function report(all: Record<string, unknown>, json: boolean): void {
  if (json) console.log(JSON.stringify(all));
  else for (const [k, v] of Object.entries(all)) console.log(`${k.padEnd(26)} ${String(v)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
