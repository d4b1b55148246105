// The details under a verdict that the general checks report: both ends of a
// race (each a button that selects the step and shows its line in the
// editor), the failing assertion (a button that shows it), a deadlock's cycle.
import type { ReplayResult } from '../../server/src/contracts/webview/trace';
import { el } from './dom';

export interface VerdictActions {
  /** Select the step at this index and show its source line. */
  goTo(index: number): void;
  openAssertion(): void;
}

function stepButton(r: ReplayResult, step: number, which: string, actions: VerdictActions): Node {
  const index = r.trace.findIndex((s) => s.step === step);
  const s = r.trace[index];
  const label = s ? `Step ${step} · ${s.thread}${s.line !== undefined ? `, line ${s.line}` : ''}` : `Step ${step}`;
  if (!s) return el('span', { text: `${label} (not in the trace)` });
  const b = el('button', {
    text: label,
    attrs: { type: 'button', 'data-action': `race-${which}`, title: `Select the ${which} access and show its line` },
  });
  b.addEventListener('click', () => actions.goTo(index));
  return b;
}

export function verdictDetails(r: ReplayResult, actions: VerdictActions): Node[] {
  if (r.result !== 'violation') return [];
  switch (r.invariant) {
    case 'RACE': {
      if (!r.race) return [];
      return [
        el('p', { className: 'race' }, [
          el('span', { text: 'Race on ' }),
          el('code', { text: r.race.location }),
          el('span', { text: ': ' }),
          stepButton(r, r.race.first, 'first', actions),
          el('span', { text: ' and ' }),
          stepButton(r, r.race.second, 'second', actions),
        ]),
      ];
    }
    case 'ASSERT': {
      const a = r.assertion;
      if (!a) return [];
      // A model built by hand may not say where its ASSERT is: then there is nothing to show.
      const b =
        a.file !== undefined && a.line !== undefined
          ? el('button', {
              text: `Show ${a.file.split('/').pop() ?? a.file}:${a.line}`,
              attrs: { type: 'button', 'data-action': 'assertion' },
            })
          : undefined;
      b?.addEventListener('click', () => actions.openAssertion());
      return [
        el('p', { className: 'assertion' }, [
          el('span', { text: 'Failing: ' }),
          el('code', { text: a.text }),
          ...(b ? [el('span', { text: ' ' }), b] : []),
        ]),
      ];
    }
    case 'DEADLOCK': {
      if (!r.cycle?.length) return [];
      return [
        el(
          'ul',
          { className: 'cycle', attrs: { 'aria-label': 'Deadlock cycle' } },
          r.cycle.map((c) => el('li', { text: `${c.thread} holds ${[c.holds].flat().join(', ') || 'nothing'} and waits for ${c.wants}` })),
        ),
      ];
    }
    default:
      return [];
  }
}
