// Xen trees for the precision and recall runs, exported from a git
// repository the user names (`npm run bench -- --xen XEN_GIT_DIR`): nothing is
// downloaded, nothing of Xen is kept in this repository. Trees are exported
// once per ref into a temporary folder and removed at the end.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export class XenTrees {
  private readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'xsr-bench-xen-'));
  private readonly gitArgs: string[];
  private readonly exported = new Map<string, string>();

  constructor(gitDir: string) {
    // A work tree (with .git) or a bare repository.
    this.gitArgs = fs.existsSync(path.join(gitDir, '.git')) ? ['-C', gitDir] : ['--git-dir', gitDir];
    const probe = this.git(['rev-parse', '--verify', 'HEAD']);
    if (probe.status !== 0) throw new Error(`--xen ${gitDir}: not a git repository with a HEAD (${probe.stderr.toString().trim()})`);
  }

  private git(args: string[]): ReturnType<typeof spawnSync> {
    return spawnSync('git', [...this.gitArgs, ...args], { maxBuffer: 1024 * 1024 * 1024 });
  }

  /** Whether `ref` names a commit here. */
  has(ref: string): boolean {
    return this.git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).status === 0;
  }

  /** The folder holding `paths` (those that exist at `ref`) of the tree at `ref`. */
  export(ref: string, paths: readonly string[]): string {
    const key = `${ref}\u0000${paths.join('\u0000')}`;
    const known = this.exported.get(key);
    if (known) return known;
    const dir = path.join(this.root, String(this.exported.size));
    fs.mkdirSync(dir, { recursive: true });
    const present = paths.filter((p) => this.git(['cat-file', '-e', `${ref}:${p}`]).status === 0);
    if (present.length) {
      const archive = this.git(['archive', '--format=tar', ref, '--', ...present]);
      if (archive.status !== 0) throw new Error(`git archive ${ref}: ${archive.stderr.toString().trim()}`);
      const untar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout as Buffer, maxBuffer: 64 * 1024 * 1024 });
      if (untar.status !== 0) throw new Error(`tar: ${untar.stderr.toString().trim()}`);
    }
    this.exported.set(key, dir);
    return dir;
  }

  dispose(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
