// `xsr/checkPatch`: findings inside the functions a patch changes, on the
// post-image texts (which the client shows: never the file on disk at
// post-image lines), each marked as introduced by the patch or already in the
// base, and the base's findings the patch removes; through the core's patch
// review (injectable for tests).
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import type { CheckPatchFileResult, CheckPatchParams, CheckPatchResult } from '../contracts/lspRequests';
import { type CoreAnalyzer, createAnalyzer, LineIndex, type Rule } from '../core/index';
import { type PositionEncoding, Positions } from './convert';
import { toLspDiagnostic } from './diagnostics';
import type { CheckPatchFn } from './seams';

export async function checkPatch(
  params: CheckPatchParams,
  deps: {
    checkPatch?: CheckPatchFn | undefined;
    rules: readonly Rule[];
    defaultBase?: string | undefined;
    analyzerFor?: (uri: string) => Promise<CoreAnalyzer>;
    encoding: PositionEncoding;
  },
): Promise<CheckPatchResult> {
  if (!params || typeof params.patch !== 'string') return { files: [], error: 'xsr/checkPatch: expected { patch: string, baseUri }' };
  if (!deps.checkPatch) return { files: [], error: 'checking patches is not available in this build of the server' };
  const baseUri = typeof params.baseUri === 'string' && params.baseUri ? params.baseUri : deps.defaultBase;
  if (!baseUri) return { files: [], error: 'no folder to apply the patch to (open a workspace folder)' };
  let baseDir: string;
  try {
    baseDir = fileURLToPath(baseUri);
  } catch {
    return { files: [], error: `not a file URI: ${baseUri}` };
  }
  try {
    // The base folder's settings apply (its user lock helpers), as for open files.
    const analyzer = deps.analyzerFor ? await deps.analyzerFor(baseUri) : await createAnalyzer({ rules: deps.rules });
    const res = await deps.checkPatch({ patch: params.patch, baseDir, analyzer });
    const files = res.files.map((f): CheckPatchFileResult => {
      const uri = pathToFileURL(path.resolve(baseDir, f.path)).toString();
      const at = new Positions(new LineIndex(f.text), deps.encoding);
      const diagnostics = f.diagnostics.map((d) => {
        const lsp = toLspDiagnostic(at, uri, d);
        if (d.review) lsp.data = { ...(lsp.data as object), review: d.review };
        return lsp;
      });
      const out: CheckPatchFileResult = { uri, diagnostics, text: f.text };
      if ('baseText' in f) out.status = f.baseText === undefined ? 'added' : 'modified';
      if (f.fixed) out.fixed = f.fixed;
      return out;
    });
    const result: CheckPatchResult = { files };
    if (res.skipped?.length) result.skipped = res.skipped;
    if (res.error) result.error = editorAdvice(res.error);
    return result;
  } catch (e) {
    return { files: [], error: (e as Error).message };
  }
}

/** In the editor the base is the workspace folder: say so where the core's message names the CLI's `--base`. */
function editorAdvice(error: string): string {
  return error.replace(
    '(--base DIR)',
    '(here, the workspace folder: open the tree the patch was made against, or run xsr check --patch FILE --base DIR)',
  );
}
