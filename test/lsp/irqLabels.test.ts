// How the interrupt state reads on a lock hint, in its tooltip and in the
// hover (lsp/lockLabels.ts, lsp/hover.ts): after the locks, only where the
// core left it in (a change, or the state a function is entered with).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { HeldEntry } from '../../server/src/core/index';
import { irqOrigin, label, tooltip } from '../../server/src/lsp/lockLabels';

const KINDS = { sched: 'show', private: 'show', rcu: 'dim', irq: 'show' } as const;
const lock = (name: string): HeldEntry => ({ name, kind: 'private', may: false, changed: false, line: 3 });
const irq = (name: string, extra: Partial<HeldEntry> = {}): HeldEntry => ({
  name,
  kind: 'irq',
  may: false,
  changed: true,
  line: 9,
  ...extra,
});

test('irq labels: off, on, off on some paths, restored; hidden when the kind is hidden', () => {
  assert.equal(label([lock('prv->lock'), irq('irqs off', { via: 'spin_lock_irqsave' })], KINDS), '🔒 prv->lock · irq off');
  assert.equal(label([irq('irqs on')], KINDS), '🔓 no lock held · irq on');
  assert.equal(label([lock('prv->lock'), irq('irqs off', { may: true })], KINDS), '🔒 prv->lock · irq off?');
  assert.equal(label([irq('irqs restored', { via: 'spin_unlock_irqrestore' })], KINDS), '🔓 no lock held · irq restored');
  assert.equal(label([lock('prv->lock'), irq('irqs off')], { ...KINDS, irq: 'hide' }), '🔒 prv->lock');
});

test('irq origins: since a line and by which call, on entry and why, restored', () => {
  assert.equal(irqOrigin(irq('irqs off', { via: 'spin_lock_irqsave' })), 'interrupts off since line 10 (spin_lock_irqsave)');
  assert.equal(
    irqOrigin(irq('irqs off', { entry: true, line: 0, why: 'the wake scheduler hook: vcpu_wake() under the unit lock' })),
    'interrupts off on entry: the wake scheduler hook: vcpu_wake() under the unit lock',
  );
  assert.equal(irqOrigin(irq('irqs off', { may: true })), 'interrupts off on some paths since line 10');
  assert.equal(
    irqOrigin(irq('irqs restored', { via: 'local_irq_restore' })),
    'interrupts restored to what was saved (line 10, local_irq_restore)',
  );
  assert.equal(
    tooltip({ line: 9, after: [irq('irqs on', { via: 'spin_unlock_irq' })], released: [lock('prv->lock')] }),
    [
      'Held after line 10 (hover the line for before → after):',
      'no lock held',
      '• interrupts on since line 10 (spin_unlock_irq)',
      'Released on this line: prv->lock',
    ].join('\n'),
  );
});
