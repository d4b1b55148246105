// How a step and a thread read, in the panel and on the editor line the
// replay highlights. Pure (no DOM, no vscode), so both sides share it.
// The simulator names an unknown condition's branch by its number ("unknown
// condition: branch 1 of 2"); with the condition's source text at hand the
// step says which way it went instead (`v->affinity_broken` is false).
import type { ReplayStep } from './trace';

const BRANCH = /^unknown condition: branch (\d+) of (\d+)$/;

/** The condition of an `if`/`while` statement's text: `( !x )` → `!x`. */
function conditionOf(text: string): string {
  let t = text.trim().replace(/^(?:else\s+)?(?:if|while|switch)\b\s*/, '');
  // Strip the statement's outer parentheses when they enclose the whole text.
  while (t.startsWith('(') && t.endsWith(')')) {
    let depth = 0;
    let whole = true;
    for (let i = 0; i < t.length; i++) {
      if (t[i] === '(') depth++;
      else if (t[i] === ')') depth--;
      if (depth === 0 && i < t.length - 1) {
        whole = false;
        break;
      }
    }
    if (!whole) break;
    t = t.slice(1, -1).trim();
  }
  return t.replace(/\s+/g, ' ');
}

/** A step's action as the panel shows it: the branch a condition took, in words, where the simulator numbered it. */
export function actionText(step: Pick<ReplayStep, 'action' | 'text'>): string {
  const m = BRANCH.exec(step.action);
  if (!m || !step.text) return step.action;
  const [k, n] = [Number(m[1]), Number(m[2])];
  const cond = conditionOf(step.text);
  // The model extraction lists a two-way condition's true branch first.
  if (n === 2) return `${cond} is ${k === 1 ? 'true' : 'false'}`;
  return `${cond}: case ${k} of ${n}`;
}

/** A thread's name split into its lane name and the function it runs (`X:vcpu_set_affinity`). */
export function threadParts(thread: string, functions?: ReadonlyMap<string, string>): { name: string; fn?: string } {
  const fn = functions?.get(thread);
  const m = /^([^:\s]+):(\w+)$/.exec(thread);
  // `X:vcpu_set_affinity` running vcpu_set_affinity: the lane is X (the model names threads either way).
  if (fn) return m && m[2] === fn ? { name: m[1]!, fn } : { name: thread, fn };
  return m ? { name: m[1]!, fn: m[2]! } : { name: thread };
}

/** `X (vcpu_set_affinity)`, `pCPU A`. */
export function threadLabel(thread: string, functions?: ReadonlyMap<string, string>): string {
  const p = threadParts(thread, functions);
  return p.fn ? `${p.name} (${p.fn})` : p.name;
}
