// Every rule this build implements, in code order: the one list the analyzer
// runs and SARIF, the CLI, the rule-page links and the language server read.
import type { RuleCode } from '../diagnostics';
import type { Rule, RuleMeta } from './types';
import { xsr001 } from './xsr001';
import { xsr002 } from './xsr002';
import { xsr003 } from './xsr003';
import { xsr004 } from './xsr004';
import { xsr005 } from './xsr005';
import { xsr006 } from './xsr006';
import { xsr007 } from './xsr007';
import { xsr008 } from './xsr008';
import { xsr009 } from './xsr009';
import { xsr010 } from './xsr010';
import { xsr011 } from './xsr011';
import { xsr012 } from './xsr012';
import { xsr013 } from './xsr013';
import { xsr014 } from './xsr014';
import { xsr015 } from './xsr015';
import { xsr016 } from './xsr016';

export const ALL_RULES: readonly Rule[] = [
  xsr001,
  xsr002,
  xsr003,
  xsr004,
  xsr005,
  xsr006,
  xsr007,
  xsr008,
  xsr009,
  xsr010,
  xsr011,
  xsr012,
  xsr013,
  xsr014,
  xsr015,
  xsr016,
];

const BY_CODE: ReadonlyMap<string, RuleMeta> = new Map(ALL_RULES.map((r) => [r.meta.code, r.meta]));

/** The records of the implemented rules, in code order. */
export function ruleMetas(): readonly RuleMeta[] {
  return ALL_RULES.map((r) => r.meta);
}

export function isRuleCode(code: string): code is RuleCode {
  return BY_CODE.has(code);
}
