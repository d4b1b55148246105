// `xsr help [command]`; `xsr help rules` lists the diagnostic codes from the rule registry.
import { ruleMetas } from '../../core/index';

const USAGE: Record<string, string> = {
  '': `xsr — Xen Scheduler Review: lock-state analysis and migration-protocol checks for Xen scheduler C

Usage: xsr <command> [options]

Commands:
  check PATH…                 analyse C files or folders (*.c, *.h) and print findings
  check --patch FILE|-        analyse a unified diff / git format-patch mail against --base DIR
  fix PATH…                   apply every safe quick fix in place (--dry-run prints a diff)
  locks PATH                  print the lock state per line of every function
  guards PATH…                print the lock discipline learned from the code (guards, requirements, order)
  simulate PATH --function F  explore every interleaving of the named functions over the state they share
  lsp --stdio                 start the language server on stdin/stdout
  help [command]              this help, or a command's (help rules: the diagnostic codes)

Common options:
  --format text|json|sarif|codequality
                              output format (sarif, codequality: check only) [default: text]
  --fail-on error|warning|information|hint|none                       [default: error]
  --config FILE               JSON file with extra lock helpers and attribute macros
                              ({"helpers": [...], "attributes": ["__my_attr", "__my_section(…)"]})
  --include DIR               where <x.h> headers are found (repeatable); the headers a file includes are
                              analysed with it, for their static inline lock wrappers
                              [default: the nearest xen/include and xen/common/sched of the file's tree]
  --no-includes               analyse the files alone, without the headers they include
  --guard-ratio R             share of a location's accesses its guard must be held at  [default: 0.75]
  --guard-min-sites N         accesses holding it, at least                             [default: 3]
  --quiet                     no summary line
  --no-color                  no colour (also off when not a TTY or NO_COLOR is set)
  --version                   print the version

Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage or input error.`,
  check: `xsr check PATH… [--format text|json|sarif|codequality] [--fail-on LEVEL] [--config FILE]
          [--baseline REPORT]
xsr check --patch FILE|- [--base DIR] [--baseline REPORT]

Analyses C files, recursing into folders for *.c and *.h. Text output is
  file:line:col: severity CODE message
Binary files and files over 5 MB are skipped with a warning. With --patch,
reports only findings inside functions the patch changes, at post-image lines.
--format codequality writes GitLab Code Quality JSON (merge-request widgets).
--baseline REPORT (an earlier --format json or sarif output) reports only the
findings not in it, matched by code, function and a fingerprint that ignores
line numbers; the exit code counts only those.`,
  locks: `xsr locks PATH [--function NAME] [--format text|json]

Prints, for every function, each statement line with the locks held before it:
held on every path, and (with a ?) on some paths only.`,
  guards: `xsr guards PATH… [--format text|json] [--guard-ratio R] [--guard-min-sites N]

Analyses the files (and the headers they include) together and prints the
lock discipline learned from the code: each field, list head and global with
the lock held at a clear majority of its accesses (its guard), the evidence
(sites holding it / all sites) and the sites that do not hold it; each lock's
interrupt discipline; what each function requires its callers to hold and
why (its _locked name, an ASSERT, its callers, a callee); the order in which
locks nest and its cycles; the entry points and what they are entered holding.`,
  fix: `xsr fix PATH… [--dry-run]

Applies every safe quick fix in place (temp file + rename, mode kept).
--dry-run prints a unified diff instead of writing.`,
  simulate: `xsr simulate PATH --function NAME [--function NAME2 …] [--copies NAME=N] [--init 'LOC=VALUE']
             [--distinct] [--inline-depth N] [--initiators N] [--pcpus N]
             [--max-states N] [--timeout MS] [--format text|json]
xsr simulate --protocol old|new [--initiators N] [--pcpus N]

Runs the named functions as threads (one each, two copies when there is one;
--copies changes it) over the shared locations and locks they touch (fields
reached from their parameters, globals, per-CPU data, list heads; pointer
parameters of one struct type are one object unless --distinct), with the Xen
scheduler's migration model when they migrate. Explores every interleaving and
prints the shortest trace to a data race, a failing ASSERT/BUG_ON, a deadlock
or a broken migration invariant (INV1-INV5). --init fixes a location's initial
value (else every value of its small domain is tried). What was modelled and
what was skipped is printed with the result; "nothing to check" (exit 2) when
the threads share nothing the model tracks.`,
  lsp: `xsr lsp --stdio

Starts the language server on stdin/stdout.`,
};

/** One line per rule of the registry: code, severity, slug, what it reports (and what its fix does). */
function rulesText(): string {
  const rows = ruleMetas().map(
    (m) => `  ${m.code}  ${m.severity.padEnd(11)} ${m.slug.padEnd(27)} ${m.summary}${m.fix ? ` Fix: ${m.fix}` : ''}`,
  );
  return ['Diagnostic codes (docs/rules/XSRnnn.md has a page for each):', '', ...rows].join('\n');
}

export function helpText(command?: string): string | undefined {
  if (command === 'rules') return rulesText();
  return USAGE[command ?? ''];
}
