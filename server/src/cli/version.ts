// The package version, read from package.json found above this file (works
// from the bundle in dist/ and from the tsc output in out/).
import * as fs from 'node:fs';
import * as path from 'node:path';

export function packageVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const p = path.join(dir, 'package.json');
    if (fs.existsSync(p)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(p, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'xen-scheduler-review' && pkg.version) return pkg.version;
      } catch {
        // keep looking
      }
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}
