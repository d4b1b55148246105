// One esbuild pipeline for every shipped bundle: the CLI (which also hosts the
// language server), the simulation and index workers, the VS Code client and the webview.
// The WASM runtime and the C grammar are copied next to the bundles and their
// versions recorded in dist/GRAMMAR.md (provenance, as bash-language-server does).
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';

import * as esbuild from 'esbuild';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dist = path.join(root, 'dist');
mkdirSync(dist, { recursive: true });

const production = process.argv.includes('--production');
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', absWorkingDir: root };

/**
 * `import("fs/promises")` and `import("module")` in web-tree-sitter, as
 * `require`: a script loaded with a V8 code cache (the launcher) has no
 * dynamic-import callback on Node 20. Only imports of Node built-ins are
 * rewritten; the check after the build fails on any other `import(`.
 */
const builtinImportsAsRequire = {
  name: 'builtin-imports-as-require',
  setup(build) {
    build.onLoad({ filter: /[\\/]web-tree-sitter[\\/].*\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const contents = text.replace(/\bimport\((["'])((?:node:)?[\w/]+)\1\)/g, (all, _q, name) =>
        isBuiltin(name) ? `Promise.resolve(__xsrRequire(${JSON.stringify(name)}))` : all,
      );
      return { contents, loader: 'js' };
    });
  },
};

// dist/xsr.js is a small launcher that runs the CLI bundle (dist/xsr-main.js) with the V8 code cache made
// below (server/src/cli/launcher.ts says why).
const nodeEntries = [
  { in: 'server/src/cli/launcher.ts', out: 'xsr' },
  { in: 'server/src/cli/main.ts', out: 'xsr-main' },
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
    // web-tree-sitter's ESM build reads import.meta.url, which a CommonJS bundle lacks. `__xsrRequire` is the
    // module's own require, which web-tree-sitter's code (with a `require` variable of its own) cannot shadow.
    banner: {
      js: "#!/usr/bin/env node\nconst __importMetaUrl = require('node:url').pathToFileURL(__filename).href;\nconst __xsrRequire = require;",
    },
    define: { 'import.meta.url': '__importMetaUrl' },
    plugins: [builtinImportsAsRequire],
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

// The launcher runs the CLI bundle with a V8 code cache: the bundle must not use `import()` (see
// builtinImportsAsRequire), and the cache is made here, by running the CLI once on the bundled example
// and the test fixtures so that the functions a check runs are compiled into it.
const cliBundle = readFileSync(path.join(dist, 'xsr-main.js'), 'utf8');
const dynamicImport = /\bimport\(\s*["'`]/.exec(cliBundle);
if (dynamicImport) {
  const line = cliBundle.slice(0, dynamicImport.index).split('\n').length;
  throw new Error(`dist/xsr-main.js:${line} uses import(), which a script loaded with a code cache cannot run on Node 20`);
}
const cacheFile = path.join(dist, 'xsr-main.js.cache');
rmSync(cacheFile, { force: true });
const made = spawnSync(
  process.execPath,
  [path.join(dist, 'xsr.js'), 'check', path.join(root, 'examples'), path.join(root, 'test/fixtures'), '--quiet', '--fail-on', 'none'],
  { env: { ...process.env, XSR_WRITE_CODE_CACHE: cacheFile }, encoding: 'utf8', maxBuffer: 64 << 20 },
);
if (made.status !== 0 || !existsSync(cacheFile))
  throw new Error(`making the code cache failed (xsr check exited ${made.status}): ${made.stderr.trim().split('\n').slice(-3).join(' ')}`);
