// The protocol rules (XSR001–XSR006, XSR008), run by the analyzer after the
// lock analysis. Each is a small module reading the must/may lock sets; XSR007
// (lock imbalance) comes from the lock analysis itself.
import type { Rule } from '../analyzer';
import { xsr001 } from './xsr001';
import { xsr002 } from './xsr002';
import { xsr003 } from './xsr003';
import { xsr004 } from './xsr004';
import { xsr005 } from './xsr005';
import { xsr006 } from './xsr006';
import { xsr008 } from './xsr008';

export const PROTOCOL_RULES: Rule[] = [xsr001, xsr002, xsr003, xsr004, xsr005, xsr006, xsr008];

export { xsr001, xsr002, xsr003, xsr004, xsr005, xsr006, xsr008 };
export { oldSequences, sequenceTarget } from './oldSequence';
export type { OldSequence } from './oldSequence';
