// Where the rule pages (docs/rules/XSRnnn.md) are: the project's public
// repository for SARIF and other outputs read elsewhere, and the copy shipped
// beside the bundles for editors (a link that works offline).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export const REPO_URL = 'https://github.com/xen-scheduler-review/xen-scheduler-review';
export const RULE_DOCS_URL = `${REPO_URL}/blob/main/docs/rules/`;

export function isRuleCode(code: string): boolean {
  return /^XSR00[1-8]$/.test(code);
}

/** The rule page on the project's site. */
export function ruleDocUrl(code: string): string | undefined {
  return isRuleCode(code) ? `${RULE_DOCS_URL}${code}.md` : undefined;
}

let localDir: string | null | undefined;

/** The rule page shipped with this installation (`docs/rules` above the bundle), as a file URI; else the site's. */
export function ruleDocHref(code: string): string | undefined {
  if (!isRuleCode(code)) return undefined;
  if (localDir === undefined) {
    localDir = null;
    for (const up of ['..', path.join('..', '..'), path.join('..', '..', '..'), path.join('..', '..', '..', '..')]) {
      const dir = path.resolve(__dirname, up, 'docs', 'rules');
      if (fs.existsSync(path.join(dir, 'XSR001.md'))) {
        localDir = dir;
        break;
      }
    }
  }
  return localDir ? pathToFileURL(path.join(localDir, `${code}.md`)).href : ruleDocUrl(code);
}
