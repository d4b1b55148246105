// What Check Patch says about a patch: how many findings it leaves in the
// functions it changes, which it introduces, which findings of the base it
// fixes and how many stay; and the same per file for the output channel.
// Pure (no vscode import), so the tests read it directly.
import type { CheckPatchResult } from '../../server/src/contracts/lspRequests';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

interface Named {
  code: string;
  function?: string;
}

const reviewOf = (d: { data?: unknown }): string | undefined => (d.data as { review?: string } | undefined)?.review;

/** The function a diagnostic names first (the server's messages start with it). */
function functionOf(message: string): string | undefined {
  return /^(\w+)\(\)/.exec(message)?.[1];
}

function names(list: readonly Named[], max = 3): string {
  if (list.length === 0) return '';
  const shown = list.slice(0, max).map((d) => (d.function ? `${d.code} in ${d.function}()` : d.code));
  return ` (${shown.join(', ')}${list.length > max ? `, +${list.length - max} more` : ''})`;
}

export function patchSummary(result: CheckPatchResult): { message: string; details: string[] } {
  const introduced: Named[] = [];
  const stays: Named[] = [];
  const fixed: Named[] = [];
  const details: string[] = [];
  let total = 0;
  for (const f of result.files) {
    const file = decodeURIComponent(f.uri.replace(/^.*\//, ''));
    details.push(`${file}${f.status === 'added' ? ' (new file)' : ''}:`);
    for (const d of f.diagnostics) {
      total++;
      const named = { code: String(d.code ?? ''), function: functionOf(d.message) };
      const review = reviewOf(d);
      (review === 'stays' ? stays : introduced).push(named);
      details.push(`  ${review === 'stays' ? 'stays     ' : 'introduces'} line ${d.range.start.line + 1}: ${named.code} ${d.message}`);
    }
    for (const x of f.fixed ?? []) {
      fixed.push({ code: x.code, function: x.function });
      details.push(`  fixes      base line ${x.line + 1}: ${x.code} ${x.function}(): ${x.message}`);
    }
    if (f.diagnostics.length === 0 && !f.fixed?.length) details.push('  no finding in the changed functions');
  }
  for (const s of result.skipped ?? []) details.push(`${s.path}: skipped, ${s.reason}`);
  const files = plural(result.files.length, 'changed file');
  const message =
    `Check Patch: ${plural(total, 'finding')} in ${files}. ` +
    `It introduces ${introduced.length}${names(introduced)}, fixes ${fixed.length}${names(fixed)}; ${stays.length} ${stays.length === 1 ? 'stays' : 'stay'}${names(stays)}.`;
  return { message, details };
}
