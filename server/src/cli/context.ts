// What every command receives: parsed options, output streams, and a way to
// build the analyzer (with user lock helpers from --config).
import * as fs from 'node:fs';

import {
  type AttributeMacro,
  type CoreAnalyzer,
  createAnalyzer,
  type LockHelper,
  parseAttributeConfig,
  parseHelperConfig,
} from '../core/index';
import { type Style, useColor } from './output';

export class UsageError extends Error {}
/** An input problem (unreadable file, bad config or patch): exit code 2 with a one-line message. */
export class InputError extends Error {}

export interface CommonOptions {
  format: 'text' | 'json' | 'sarif' | 'codequality';
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

interface UserConfig {
  helpers: LockHelper[];
  attributes: AttributeMacro[];
}

/**
 * The --config file: `{ "helpers": [ … ], "attributes": [ "__my_attr", "__my_section(…)" ] }`
 * (or the bare array of helpers). Any malformed entry is an input error naming it.
 */
function loadConfig(configPath: string | undefined): UserConfig {
  if (!configPath) return { helpers: [], attributes: [] };
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
  const onlyAttributes = !!json && typeof json === 'object' && !Array.isArray(json) && !('helpers' in json);
  const { helpers, errors } = onlyAttributes ? { helpers: [], errors: [] } : parseHelperConfig(json, configPath);
  const rawAttributes =
    json && typeof json === 'object' && !Array.isArray(json) ? (json as { attributes?: unknown }).attributes : undefined;
  const attrs =
    rawAttributes === undefined ? { attributes: [], errors: [] } : parseAttributeConfig(rawAttributes, `${configPath}: attributes`);
  if (onlyAttributes && rawAttributes === undefined)
    errors.push(`${configPath}: expected "helpers" (lock helpers) or "attributes" (macro names)`);
  const all = [...errors, ...attrs.errors];
  if (all.length) throw new InputError(all.join('\n'));
  return { helpers, attributes: attrs.attributes };
}

export function makeStyle(noColor: boolean): Style {
  return { color: useColor(noColor) };
}

export function analyzerFactory(configPath: string | undefined, guards?: CommonOptions['guards']): () => Promise<CoreAnalyzer> {
  let a: Promise<CoreAnalyzer> | undefined;
  return () => (a ??= createAnalyzer({ ...loadConfig(configPath), ...(guards ? { guards } : {}) }));
}
