// What every command receives: parsed options, output streams, and a way to
// build the analyzer (with user lock helpers from --config).
import * as fs from 'node:fs';

import { type CoreAnalyzer, createAnalyzer, type LockHelper, parseHelperConfig } from '../core/index';
import { type Style, useColor } from './output';

export class UsageError extends Error {}
/** An input problem (unreadable file, bad config or patch): exit code 2 with a one-line message. */
export class InputError extends Error {}

export interface CommonOptions {
  format: 'text' | 'json' | 'sarif';
  quiet: boolean;
  color: boolean;
  failOn: 'error' | 'warning' | 'information' | 'hint' | 'none';
  config?: string;
  /** The guard inference's thresholds (--guard-ratio, --guard-min-sites). */
  guards?: { ratio?: number; minSites?: number };
}

export interface CommandContext {
  args: string[];
  options: CommonOptions;
  /** Raw option values (command-specific flags). */
  values: Record<string, string | boolean | string[] | undefined>;
  out: (s: string) => void;
  err: (s: string) => void;
  style: Style;
  analyzer(): Promise<CoreAnalyzer>;
}

function loadHelpers(configPath: string | undefined): LockHelper[] {
  if (!configPath) return [];
  let raw: string;
  try {
    raw = fs.readFileSync(configPath, 'utf8');
  } catch (e) {
    throw new InputError(`${configPath}: cannot read config (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new InputError(`${configPath}: not valid JSON (${(e as Error).message})`);
  }
  const { helpers, errors } = parseHelperConfig(json, configPath);
  if (errors.length) throw new InputError(errors.join('\n'));
  return helpers;
}

export function makeStyle(noColor: boolean): Style {
  return { color: useColor(noColor) };
}

export function analyzerFactory(configPath: string | undefined, guards?: CommonOptions['guards']): () => Promise<CoreAnalyzer> {
  let a: Promise<CoreAnalyzer> | undefined;
  return () => (a ??= createAnalyzer({ helpers: loadHelpers(configPath), ...(guards ? { guards } : {}) }));
}
