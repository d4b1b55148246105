// Fails the build when a layer imports one above it (see .dependency-cruiser.cjs).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const bin = path.join(root, 'node_modules', '.bin', 'depcruise');
const res = spawnSync(bin, ['--config', '.dependency-cruiser.cjs', '--output-type', 'err', 'sim', 'server', 'client'], { cwd: root, encoding: 'utf8' });
if (res.status !== 0) {
  process.stderr.write(res.stdout + res.stderr);
  console.error('layer check failed: see the rules in .dependency-cruiser.cjs');
  process.exit(1);
}
