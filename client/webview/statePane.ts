// The scheduler state at the selected step, in a vscode-table, with the entries
// that changed since the previous step highlighted and their old value shown.
import type { StateView } from '../../server/src/contracts/simResult';
import { el } from './dom';
import { GROUP_TITLES, stateRows } from './stateDiff';

export class StatePane {
  readonly element: HTMLElement;
  private readonly caption: HTMLElement;
  private table: HTMLElement | undefined;

  constructor() {
    this.caption = el('h2', { className: 'pane-title', text: 'State' });
    this.element = el('section', { className: 'state-pane', attrs: { 'aria-live': 'polite' } }, [this.caption]);
  }

  /**
   * A fresh table per step: vscode-table sizes its columns from the first body row
   * when its slots change, so rebuilding only the body would leave it misaligned.
   */
  private newTable(): { table: HTMLElement; body: HTMLElement } {
    const header = el('vscode-table-header', { attrs: { slot: 'header' } }, [
      el('vscode-table-header-cell', { text: 'What' }),
      el('vscode-table-header-cell', { text: 'Of' }),
      el('vscode-table-header-cell', { text: 'Value' }),
    ]);
    const body = el('vscode-table-body', { attrs: { slot: 'body' } });
    const table = el(
      'vscode-table',
      { className: 'state-table', attrs: { zebra: '', 'bordered-rows': '', 'aria-label': 'Scheduler state' } },
      [header, body],
    );
    table.columns = ['30%', '25%', '45%'];
    return { table, body };
  }

  show(stepNumber: number, state: StateView, prev: StateView | undefined): void {
    const rows = stateRows(state, prev);
    const changed = rows.filter((r) => r.previous !== undefined).length;
    this.caption.textContent = prev
      ? `State after step ${stepNumber} · ${changed} change${changed === 1 ? '' : 's'}`
      : `State after step ${stepNumber}`;
    const { table, body } = this.newTable();
    for (const r of rows) {
      const value = el('span', { className: 'value', text: r.value });
      const cells = [
        el('vscode-table-cell', { text: GROUP_TITLES[r.group] }),
        el('vscode-table-cell', { text: r.key }),
        el(
          'vscode-table-cell',
          {},
          r.previous !== undefined ? [value, el('span', { className: 'was', text: `was ${r.previous}` })] : [value],
        ),
      ];
      body.appendChild(
        el(
          'vscode-table-row',
          {
            className: r.previous !== undefined ? 'changed' : '',
            attrs: { 'data-group': r.group, 'data-key': r.key, ...(r.previous !== undefined ? { 'data-changed': 'true' } : {}) },
          },
          cells,
        ),
      );
    }
    if (this.table) this.table.replaceWith(table);
    else this.element.appendChild(table);
    this.table = table;
  }
}
