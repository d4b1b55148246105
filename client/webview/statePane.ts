// The state after the selected step: the scheduler state and the modelled
// variables, what the step changed (highlighted with a border and its old
// value, not only a colour), the entries that break the invariant, a filter
// by name and a "changed only" switch (as vscode-tlaplus does). The table is
// not a live region: a separate one announces only what the step changed.
import type { ReplayState } from '../../server/src/contracts/webview/trace';
import { clear, el } from './dom';
import { GROUP_TITLES, rowId, type StateRow, stateRows, visibleRows } from './stateDiff';

export interface StateView {
  filter: string;
  changedOnly: boolean;
}

export class StatePane {
  readonly element: HTMLElement;
  private readonly caption: HTMLElement;
  private readonly body: HTMLTableSectionElement;
  private readonly empty: HTMLElement;
  private readonly announcer: HTMLElement;
  private readonly filterBox: HTMLInputElement;
  private readonly changedBox: HTMLInputElement;
  private last: { step: number; rows: StateRow[]; breaking: ReadonlySet<string> } | undefined;

  constructor(
    view: StateView,
    private readonly onViewChange: (v: StateView) => void,
  ) {
    this.caption = el('h2', { className: 'pane-title', attrs: { id: 'state-caption' }, text: 'State' });
    this.filterBox = el('input', {
      className: 'filter',
      attrs: { type: 'search', placeholder: 'Filter by name', 'aria-label': 'Filter the state by name', spellcheck: 'false' },
    });
    this.filterBox.value = view.filter;
    this.changedBox = el('input', { attrs: { type: 'checkbox', id: 'changed-only' } });
    this.changedBox.checked = view.changedOnly;
    const controls = el('div', { className: 'state-controls' }, [
      this.filterBox,
      el('label', { className: 'toggle', attrs: { for: 'changed-only' } }, [this.changedBox, el('span', { text: 'Changed only' })]),
    ]);
    const header = el('tr', {}, [
      el('th', { text: 'What', attrs: { scope: 'col' } }),
      el('th', { text: 'Of', attrs: { scope: 'col' } }),
      el('th', { text: 'Value', attrs: { scope: 'col' } }),
    ]);
    this.body = el('tbody');
    const table = el('table', { className: 'state-table', attrs: { 'aria-labelledby': 'state-caption' } }, [
      el('thead', {}, [header]),
      this.body,
    ]);
    this.empty = el('p', { className: 'state-empty', text: '' });
    this.announcer = el('div', { className: 'sr-only', attrs: { role: 'status', 'aria-live': 'polite' } });
    this.element = el('section', { className: 'state-pane', attrs: { 'aria-labelledby': 'state-caption' } }, [
      this.caption,
      controls,
      table,
      this.empty,
      this.announcer,
    ]);
    const changed = (): void => {
      this.onViewChange(this.view());
      this.render();
    };
    this.filterBox.addEventListener('input', changed);
    this.changedBox.addEventListener('change', changed);
  }

  view(): StateView {
    return { filter: this.filterBox.value, changedOnly: this.changedBox.checked };
  }

  /** Shows the state after a step; `breaking`: the row ids to mark as breaking the invariant; `announce`: what a step says aloud. */
  show(step: number, state: ReplayState, prev: ReplayState | undefined, breaking: ReadonlySet<string>, announce: string): void {
    const rows = stateRows(state, prev);
    this.last = { step, rows, breaking };
    const changes = rows.filter((r) => r.previous !== undefined);
    this.caption.textContent = prev
      ? `State after step ${step} · ${changes.length} change${changes.length === 1 ? '' : 's'}`
      : `State after step ${step}`;
    this.render();
    const said = changes.map((r) => `${GROUP_TITLES[r.group]} of ${r.key}: ${r.value}, was ${r.previous}`);
    this.announcer.textContent = `${announce}. ${said.length ? `Changed: ${said.join('; ')}.` : 'No state changed.'}`;
  }

  private render(): void {
    if (!this.last) return;
    const { rows, breaking } = this.last;
    const shown = visibleRows(rows, { ...this.view(), keep: breaking });
    clear(this.body);
    for (const r of shown) {
      const changed = r.previous !== undefined;
      const breaks = breaking.has(rowId(r));
      const value: Node[] = [el('span', { className: 'value', text: r.value })];
      if (changed) value.push(el('span', { className: 'was', text: `was ${r.previous}` }));
      if (breaks) value.push(el('span', { className: 'mark', text: '⚠ breaks the invariant' }));
      this.body.appendChild(
        el(
          'tr',
          {
            className: [changed ? 'changed' : '', breaks ? 'breaking' : ''].filter(Boolean).join(' '),
            attrs: {
              'data-group': r.group,
              'data-key': r.key,
              ...(changed ? { 'data-changed': 'true' } : {}),
              ...(breaks ? { 'data-breaking': 'true' } : {}),
            },
          },
          [el('th', { text: GROUP_TITLES[r.group], attrs: { scope: 'row' } }), el('td', { text: r.key }), el('td', {}, value)],
        ),
      );
    }
    const hidden = rows.length - shown.length;
    this.empty.textContent = hidden ? `${hidden} entr${hidden === 1 ? 'y' : 'ies'} hidden by the filter.` : '';
  }
}
