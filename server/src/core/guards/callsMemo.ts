// Answers about a function's calls alone (which helpers it calls, with which
// arguments), remembered per facts as collected: a function an edit only
// moved keeps its facts as collected (collect.ts, collectedFacts), so on a
// keystroke the answer is asked again only for the edited function, not
// re-read from every call of every function. The calls' names and argument
// texts do not depend on where the function sits; the lock helpers are part
// of the key.
import type { HelperTable } from '../xen/lockHelpers';
import { collectedFacts, type FunctionFacts } from './collect';

export class CallsAnswer {
  private readonly answers = new WeakMap<FunctionFacts, { helpers: HelperTable; yes: boolean }>();

  constructor(private readonly ask: (f: FunctionFacts, helpers: HelperTable) => boolean) {}

  /** `remember`: the discipline's run is over one file (LockDiscipline.sole); a folder's run asks once per function. */
  of(f: FunctionFacts, helpers: HelperTable, remember: boolean): boolean {
    if (!remember) return this.ask(f, helpers);
    const origin = collectedFacts(f);
    const known = this.answers.get(origin);
    if (known && known.helpers === helpers) return known.yes;
    const yes = this.ask(origin, helpers);
    this.answers.set(origin, { helpers, yes });
    return yes;
  }
}
