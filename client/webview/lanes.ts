// Swim lanes: a grid with one column per thread and one row per step, the
// step's action in the lane of its thread. A native table, so the columns
// size to their content and long actions wrap; the grid takes the focus and
// names the selected row with aria-activedescendant. Marked steps (the one
// that breaks the invariant, both ends of a race) carry a visible label, not
// only a colour.
import { actionText } from '../../server/src/contracts/webview/stepText';
import type { ReplayStep } from '../../server/src/contracts/webview/trace';
import { clear, el } from './dom';

export interface Lane {
  /** The thread name the steps carry. */
  thread: string;
  /** The lane's title and the function its thread runs, when known. */
  name: string;
  fn?: string;
}

export interface LanesOptions {
  onSelect(index: number): void;
}

export class SwimLanes {
  readonly element: HTMLElement;
  private readonly table: HTMLTableElement;
  private readonly head: HTMLTableSectionElement;
  private readonly body: HTMLTableSectionElement;
  private rows: HTMLTableRowElement[] = [];
  private selected = -1;

  constructor(private readonly options: LanesOptions) {
    this.head = el('thead');
    this.body = el('tbody');
    this.table = el('table', { className: 'lanes-table', attrs: { role: 'grid', tabindex: '0', 'aria-readonly': 'true' } }, [
      this.head,
      this.body,
    ]);
    this.element = el('div', { className: 'lanes' }, [this.table]);
    this.body.addEventListener('click', (e) => {
      const row = (e.target as Element).closest<HTMLElement>('tr[data-index]');
      if (row) this.options.onSelect(Number(row.dataset.index));
    });
  }

  /** Shows `steps` in the given lanes (a step whose thread has no lane is shown in none). */
  setTrace(steps: readonly ReplayStep[], lanes: readonly Lane[], marks: ReadonlyMap<number, string>, label: string): void {
    this.selected = -1;
    this.table.setAttribute('aria-label', label);
    this.table.removeAttribute('aria-activedescendant');
    clear(this.head);
    clear(this.body);
    const header = el('tr', {}, [el('th', { className: 'num', text: 'Step', attrs: { scope: 'col' } })]);
    for (const lane of lanes) {
      const title = el('span', { className: 'lane-name', text: lane.name });
      const parts: Node[] = [title];
      if (lane.fn) parts.push(el('span', { className: 'lane-fn', text: lane.fn }));
      header.appendChild(el('th', { className: 'lane-title', attrs: { scope: 'col', 'data-thread': lane.thread } }, parts));
    }
    this.head.appendChild(header);
    const names = new Map(lanes.map((l) => [l.thread, l.fn ? `${l.name} (${l.fn})` : l.name]));
    this.rows = steps.map((s, i) => this.row(s, i, lanes, names, marks.get(i)));
    const frag = document.createDocumentFragment();
    for (const r of this.rows) frag.appendChild(r);
    this.body.appendChild(frag);
  }

  select(index: number): void {
    if (index === this.selected) return;
    const old = this.rows[this.selected];
    old?.classList.remove('selected');
    old?.setAttribute('aria-selected', 'false');
    this.selected = index;
    const row = this.rows[index];
    if (!row) return;
    row.classList.add('selected');
    row.setAttribute('aria-selected', 'true');
    this.table.setAttribute('aria-activedescendant', row.id);
    row.scrollIntoView({ block: 'nearest' });
  }

  private row(
    s: ReplayStep,
    i: number,
    lanes: readonly Lane[],
    names: ReadonlyMap<string, string>,
    mark: string | undefined,
  ): HTMLTableRowElement {
    const row = el('tr', {
      className: mark ? 'row marked' : 'row',
      attrs: { id: `step-row-${i}`, 'data-index': String(i), 'data-step': String(s.step), 'aria-selected': 'false' },
    });
    row.appendChild(el('th', { className: 'num', text: String(s.step), attrs: { scope: 'row' } }));
    const action = actionText(s);
    for (const lane of lanes) {
      if (lane.thread !== s.thread) {
        row.appendChild(el('td', { className: 'lane' }));
        continue;
      }
      // The cell reads as a sentence ("Step 5, X (vcpu_set_affinity): set _VPF_migrating at line 22"):
      // the step and thread are said but not shown (the row and column show them), `L22` is shown but not said.
      const parts: Node[] = [el('span', { className: 'sr-only', text: `Step ${s.step}, ${names.get(s.thread) ?? s.thread}: ` })];
      if (s.line !== undefined) parts.push(el('span', { className: 'where', text: `L${s.line}`, attrs: { 'aria-hidden': 'true' } }));
      parts.push(el('span', { className: 'action', text: action }));
      if (s.line !== undefined) parts.push(el('span', { className: 'sr-only', text: ` at line ${s.line}` }));
      if (mark) parts.push(el('span', { className: 'mark', text: `⚠ ${mark}` }));
      row.appendChild(
        el(
          'td',
          {
            className: 'lane active',
            attrs: { 'data-thread': lane.thread, title: s.line !== undefined ? `${action} (${s.file ?? ''}:${s.line})` : action },
          },
          parts,
        ),
      );
    }
    return row;
  }
}
