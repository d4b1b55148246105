// `xsr/checkPatch`: findings inside the functions a patch changes, for the
// post-image files, through the patch module (core/patch; injectable for tests).
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import type { CheckPatchParams, CheckPatchResult } from '../contracts/lspRequests';
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
    const files = res.files.map((f) => {
      const uri = pathToFileURL(path.resolve(baseDir, f.path)).toString();
      const at = new Positions(new LineIndex(f.text), deps.encoding);
      return { uri, diagnostics: f.diagnostics.map((d) => toLspDiagnostic(at, uri, d)) };
    });
    return res.error ? { files, error: res.error } : { files };
  } catch (e) {
    return { files: [], error: (e as Error).message };
  }
}
