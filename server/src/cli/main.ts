// The `xsr` command line: argument parsing and dispatch only. Each command
// lives in commands/; all analysis is the core's.
import { parseArgs } from 'node:util';

import { runCheck } from './commands/check';
import { runFix } from './commands/fix';
import { runGuards } from './commands/guards';
import { helpText } from './commands/help';
import { runLocks } from './commands/locks';
import { runLsp } from './commands/lsp';
import { runSimulate } from './commands/simulate';
import { analyzerFactory, type CommandContext, type CommonOptions, InputError, makeStyle, UsageError } from './context';
import { packageVersion } from './version';

type Runner = (ctx: CommandContext) => Promise<number>;

const COMMANDS: Record<string, Runner> = {
  check: runCheck,
  locks: runLocks,
  guards: runGuards,
  fix: runFix,
  simulate: runSimulate,
  lsp: runLsp,
};

const OPTIONS = {
  format: { type: 'string' },
  'fail-on': { type: 'string' },
  config: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  'no-color': { type: 'boolean' },
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  patch: { type: 'string' },
  baseline: { type: 'string' },
  include: { type: 'string', multiple: true },
  'no-includes': { type: 'boolean' },
  'guard-ratio': { type: 'string' },
  'guard-min-sites': { type: 'string' },
  base: { type: 'string' },
  'dry-run': { type: 'boolean' },
  function: { type: 'string', multiple: true },
  protocol: { type: 'string' },
  initiators: { type: 'string' },
  pcpus: { type: 'string' },
  copies: { type: 'string', multiple: true },
  init: { type: 'string', multiple: true },
  distinct: { type: 'boolean' },
  'inline-depth': { type: 'string' },
  'max-states': { type: 'string' },
  timeout: { type: 'string' },
  stdio: { type: 'boolean' },
  'node-ipc': { type: 'boolean' },
  clientProcessId: { type: 'string' },
} as const;

const FORMATS = ['text', 'json', 'sarif', 'codequality'];
const FAIL_ON = ['error', 'warning', 'information', 'hint', 'none'];

/** `--guard-ratio R` (0 < R <= 1) and `--guard-min-sites N`: the guard inference's thresholds. */
function guardOptions(v: Record<string, unknown>): { guards?: { ratio?: number; minSites?: number } } {
  const guards: { ratio?: number; minSites?: number } = {};
  if (typeof v['guard-ratio'] === 'string') {
    const r = Number(v['guard-ratio']);
    if (!(r > 0 && r <= 1)) throw new UsageError(`--guard-ratio must be a number in (0, 1], got '${v['guard-ratio']}'`);
    guards.ratio = r;
  }
  if (typeof v['guard-min-sites'] === 'string') {
    const n = Number(v['guard-min-sites']);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--guard-min-sites must be a positive integer, got '${v['guard-min-sites']}'`);
    guards.minSites = n;
  }
  return Object.keys(guards).length ? { guards } : {};
}

/** Set once the reader of stdout went away (`xsr check … | head`): later output is dropped. */
let stdoutClosed = false;

export async function main(
  argv: string[],
  io = {
    out: (s: string): void => {
      if (!stdoutClosed) process.stdout.write(s + '\n');
    },
    err: (s: string): void => {
      process.stderr.write(s + '\n');
    },
  },
): Promise<number> {
  try {
    // `xsr check --patch -` reads stdin: keep a lone '-' as an option value.
    const parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    const v = parsed.values as Record<string, string | boolean | string[] | undefined>;
    const [command, ...args] = parsed.positionals;
    if (v.version) {
      io.out(packageVersion());
      return 0;
    }
    if (!command || command === 'help' || v.help) {
      const topic = command === 'help' ? args[0] : command;
      const text = helpText(topic);
      if (!text) throw new UsageError(`unknown command '${topic}' (see xsr help)`);
      io.out(text);
      return 0;
    }
    const run = COMMANDS[command];
    if (!run) throw new UsageError(`unknown command '${command}' (see xsr help)`);
    const format = (v.format as string | undefined) ?? 'text';
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got '${format}'`);
    if ((format === 'sarif' || format === 'codequality') && command !== 'check')
      throw new UsageError(`--format ${format} is for check only`);
    if (v.baseline !== undefined && command !== 'check') throw new UsageError('--baseline is for check only');
    const failOn = (v['fail-on'] as string | undefined) ?? 'error';
    if (!FAIL_ON.includes(failOn)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}, got '${failOn}'`);
    const options: CommonOptions = {
      format: format as CommonOptions['format'],
      quiet: !!v.quiet,
      color: !v['no-color'],
      failOn: failOn as CommonOptions['failOn'],
      ...(typeof v.config === 'string' ? { config: v.config } : {}),
      ...guardOptions(v),
    };
    const ctx: CommandContext = {
      args,
      options,
      values: v,
      out: io.out,
      err: io.err,
      style: makeStyle(!!v['no-color']),
      analyzer: analyzerFactory(options.config, options.guards),
    };
    return await run(ctx);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`xsr: ${(e as Error).message}`);
      return 2;
    }
    if (e instanceof InputError) {
      io.err(`xsr: ${(e as Error).message}`);
      return 2;
    }
    io.err(`xsr: internal error: ${(e as Error).stack ?? String(e)}`);
    return 3;
  }
}

if (require.main === module) {
  // A reader that stops early (`xsr check … | head`) closes the pipe: stop
  // printing, quietly, but finish and exit with the command's own code, so
  // `set -o pipefail` still sees findings as a failure.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    stdoutClosed = true;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      // `lsp` keeps running: it resolves only when the connection ends.
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`xsr: ${String(e)}\n`);
      process.exitCode = 3;
    },
  );
}
