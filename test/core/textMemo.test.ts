// The memos of values derived from whole texts keep the last texts alive as
// their keys; an editor's document version that a newer one replaced is
// dropped from all of them (forgetText), and only that version.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createAnalyzer, createIncrementalAnalyzer } from '../../server/src/core/index';
import { forgetText, TextMemo } from '../../server/src/core/syntax/textMemo';

describe('TextMemo', () => {
  it('answers from memory until the text is forgotten, in every memo', () => {
    const a = new TextMemo<number>(8);
    const b = new TextMemo<string>(8);
    let computed = 0;
    const v1 = 'int f(void) { return 1; }\n'.repeat(3);
    const v2 = `${v1}/* typed */`;
    assert.equal(
      a.get(v1, () => ++computed),
      1,
    );
    assert.equal(
      a.get(v2, () => ++computed),
      2,
    );
    assert.equal(
      b.get(v1, () => 'one'),
      'one',
    );
    // Asked again (the last text, and an older one): remembered.
    assert.equal(
      a.get(v2, () => ++computed),
      2,
    );
    assert.equal(
      a.get(v1, () => ++computed),
      1,
    );
    forgetText(v1);
    // An equal string made apart (the editor's next text of the same content) is forgotten too; v2 is kept.
    assert.equal(
      a.get(v1.slice(0), () => ++computed),
      3,
    );
    assert.equal(
      b.get(v1, () => 'again'),
      'again',
    );
    assert.equal(
      a.get(v2, () => ++computed),
      2,
    );
  });

  it('an edit forgets the version it replaced, in the memos of whole texts', async () => {
    const uri = 'file:///compact/memo.c';
    const inc = createIncrementalAnalyzer(await createAnalyzer());
    const opened = `#include <xen/sched.h>\n\nstatic void count(struct vcpu *v)\n{\n    spinlock_t *lock = vcpu_schedule_lock_irq(v);\n\n    v->runstate.count++;\n    vcpu_schedule_unlock_irq(lock, v);\n}\n`;
    inc.analyze(uri, 1, opened);
    const memo = new TextMemo<number>(8);
    let computed = 0;
    memo.get(opened, () => ++computed);
    const at = opened.indexOf('spinlock_t') + 1;
    inc.edit(uri, [{ start: at, oldEnd: at, newText: 'q' }]);
    const typed = `${opened.slice(0, at)}q${opened.slice(at)}`;
    inc.analyze(uri, 2, typed);
    memo.get(typed, () => ++computed);
    assert.equal(computed, 2);
    // The opened text was dropped by the edit's run; the typed one is the document's now and stays.
    assert.equal(
      memo.get(opened, () => ++computed),
      3,
    );
    assert.equal(
      memo.get(typed, () => ++computed),
      2,
    );
    inc.close(uri);
  });
});
