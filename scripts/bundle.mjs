// One esbuild pipeline for every shipped bundle: the CLI (which also hosts the
// language server), the simulation and index workers, the VS Code client and the webview.
// The WASM runtime and the C grammar are copied next to the bundles and their
// versions recorded in dist/GRAMMAR.md (provenance, as bash-language-server does).
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import * as esbuild from 'esbuild';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dist = path.join(root, 'dist');
mkdirSync(dist, { recursive: true });

const production = process.argv.includes('--production');
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', absWorkingDir: root };

const nodeEntries = [
  { in: 'server/src/cli/main.ts', out: 'xsr' },
  { in: 'server/src/simWorker/worker.ts', out: 'simWorker' },
  { in: 'server/src/indexWorker/worker.ts', out: 'indexWorker' },
];
const builds = [
  esbuild.build({
    ...common,
    entryPoints: nodeEntries.filter((e) => existsSync(path.join(root, e.in))).map((e) => ({ in: e.in, out: e.out })),
    outdir: dist,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // web-tree-sitter's ESM build reads import.meta.url, which a CommonJS bundle lacks.
    banner: { js: "#!/usr/bin/env node\nconst __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__importMetaUrl' },
  }),
];
if (existsSync(path.join(root, 'client/src/extension.ts'))) {
  builds.push(
    esbuild.build({
      ...common,
      entryPoints: { client: 'client/src/extension.ts' },
      outdir: dist,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
      banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
      define: { 'import.meta.url': '__importMetaUrl' },
    }),
  );
}
if (existsSync(path.join(root, 'client/webview/main.ts'))) {
  builds.push(
    esbuild.build({
      ...common,
      entryPoints: { webview: 'client/webview/main.ts' },
      outdir: dist,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
    }),
  );
}
await Promise.all(builds);
// dist/xsr.js runs as a command of its own (its first line is a shebang), e.g. in CI scripts.
chmodSync(path.join(dist, 'xsr.js'), 0o755);

// The grammar and the runtime ship beside the bundles: nothing is downloaded.
const grammarWasm = require.resolve('tree-sitter-c/tree-sitter-c.wasm');
const runtimeWasm = require.resolve('web-tree-sitter/tree-sitter.wasm');
copyFileSync(grammarWasm, path.join(dist, 'tree-sitter-c.wasm'));
copyFileSync(runtimeWasm, path.join(dist, 'tree-sitter.wasm'));
// package.json is not in these packages' exports: read it beside the WASM file.
const version = (wasm) => JSON.parse(readFileSync(path.join(path.dirname(wasm), 'package.json'), 'utf8')).version;
writeFileSync(
  path.join(dist, 'GRAMMAR.md'),
  `# Grammar provenance\n\n- tree-sitter-c.wasm: npm tree-sitter-c@${version(grammarWasm)} (ABI 15, prebuilt WASM from the package)\n` +
    `- tree-sitter.wasm: npm web-tree-sitter@${version(runtimeWasm)}\n`,
);
