// Where the rule pages (docs/rules/XSRnnn.md) are: the project's public
// repository for SARIF and other outputs read elsewhere, and the copy shipped
// beside the bundles for editors (a link that works offline).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

import { isRuleCode } from './registry';

export const REPO_URL = 'https://github.com/xen-scheduler-review/xen-scheduler-review';
const RULE_DOCS_URL = `${REPO_URL}/blob/main/docs/rules/`;

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
    // The bundle is dist/xsr.js, the compiled module out/server/src/core/rules/docs.js: the first folder above with docs/rules.
    for (let dir = path.dirname(__dirname); ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'docs', 'rules');
      if (fs.existsSync(path.join(candidate, 'XSR001.md'))) {
        localDir = candidate;
        break;
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  return localDir ? pathToFileURL(path.join(localDir, `${code}.md`)).href : ruleDocUrl(code);
}
