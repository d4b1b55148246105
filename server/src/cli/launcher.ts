// The `xsr` command as installed (dist/xsr.js): loads the CLI bundle
// (dist/xsr-main.js) with the V8 code cache the build made for it
// (dist/xsr-main.js.cache), so a cold process starts from compiled bytecode
// instead of parsing and compiling 1.4 MB of JavaScript, lazily, function by
// function, as it first runs them: about a tenth of a cold `xsr check` of a
// scheduler folder (ARCHITECTURE.md, "Performance").
//
// The cache is an optimisation only. It is used when it was made from exactly
// this bundle and is whole (a SHA-256 of the bundle and the cached data heads
// the file: V8 itself checks only the source's length, and a corrupted cache
// could run wrong code) by this V8 with these flags (V8's own check, which
// rejects it otherwise); in every other case, a missing, stale, truncated or
// foreign cache, the bundle is compiled as Node would compile it. Nothing here
// writes a file unless the build asks for the cache (XSR_WRITE_CODE_CACHE).
//
// Node 22 has `module.enableCompileCache()` for this; Node 20, which we
// support, has only `vm.Script`'s `cachedData`. A script compiled that way
// has no dynamic-import callback, so the bundle must not use `import()`: the
// build rewrites web-tree-sitter's two imports of Node built-ins to `require`
// and fails if any other is left (scripts/bundle.mjs).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

const BUNDLE = path.join(__dirname, 'xsr-main.js');
const HASH_BYTES = 32;

type CacheState = 'accepted' | 'rejected' | 'stale' | 'absent';

/** The digest a cache file starts with: of the bundle's bytes and the V8 data that follows. */
function digestOf(bundle: Buffer, data: Buffer): Buffer {
  return createHash('sha256').update(bundle).update(data).digest();
}

/** The cache's V8 data when its header says it was made from `bundle` and is whole; otherwise why not. */
function readCache(file: string, bundle: Buffer): { data?: Buffer; state: CacheState } {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch {
    return { state: 'absent' };
  }
  const data = raw.subarray(HASH_BYTES);
  if (raw.length <= HASH_BYTES || !raw.subarray(0, HASH_BYTES).equals(digestOf(bundle, data))) return { state: 'stale' };
  return { data, state: 'accepted' };
}

/** Writes the cache, atomically (a reader never sees half a file). */
function writeCache(file: string, bundle: Buffer, data: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([digestOf(bundle, data), data]));
  fs.renameSync(tmp, file);
}

function launch(): void {
  const bytes = fs.readFileSync(BUNDLE);
  let source = bytes.toString('utf8');
  // The shebang line is legal only at the very start of a script, not inside the module wrapper.
  if (source.startsWith('#!')) source = `//${source.slice(2)}`;
  const cacheFile = `${BUNDLE}.cache`;
  const writeTo = process.env.XSR_WRITE_CODE_CACHE;
  const cache = writeTo ? { state: 'absent' as CacheState } : readCache(cacheFile, bytes);
  const script = new vm.Script(Module.wrap(source), {
    filename: BUNDLE,
    ...(cache.data ? { cachedData: cache.data } : {}),
  });
  const state: CacheState = cache.data && script.cachedDataRejected ? 'rejected' : cache.state;
  if (process.env.XSR_DEBUG_CODE_CACHE) process.stderr.write(`xsr: code cache ${state}\n`);
  // Made at exit, so the functions this run compiled lazily are in it too.
  if (writeTo) process.once('exit', () => writeCache(path.resolve(writeTo), bytes, script.createCachedData()));

  // The bundle runs as the main module, as if Node had loaded it itself (it checks `require.main === module`).
  const mod = new Module(BUNDLE, undefined);
  mod.filename = BUNDLE;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(BUNDLE));
  const req = Module.createRequire(BUNDLE);
  req.main = mod;
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: Module,
    filename: string,
    dirname: string,
  ) => void;
  wrapper.call(mod.exports, mod.exports, req, mod, BUNDLE, path.dirname(BUNDLE));
}

launch();
