// Swim lanes: one column per thread, one row per step, the step's action in the
// lane of its thread. Only the rows in view (plus a margin) are in the DOM, so a
// trace of thousands of steps scrolls and selects as fast as a short one.
import type { TraceStep } from '../../server/src/contracts/simResult';
import { clear, el } from './dom';

const ROW_HEIGHT = 24;
const OVERSCAN = 12;

export interface LanesOptions {
  onSelect(index: number): void;
}

export class SwimLanes {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly body: HTMLElement;
  private steps: TraceStep[] = [];
  private lanes: string[] = [];
  private selected = -1;
  private rendered = new Map<number, HTMLElement>();
  private frame = 0;

  constructor(private readonly options: LanesOptions) {
    this.header = el('div', { className: 'lanes-header', attrs: { role: 'row', 'aria-rowindex': '1' } });
    this.body = el('div', { className: 'lanes-body', attrs: { role: 'rowgroup' } });
    this.viewport = el('div', { className: 'lanes-viewport' }, [this.header, this.body]);
    this.element = el(
      'div',
      {
        className: 'lanes',
        attrs: { role: 'grid', tabindex: '0', 'aria-label': 'Interleaving: one lane per thread, one row per step' },
      },
      [this.viewport],
    );
    this.viewport.addEventListener('scroll', () => this.schedule());
    this.body.addEventListener('click', (e) => {
      const row = (e.target as Element).closest<HTMLElement>('[data-index]');
      if (row) this.options.onSelect(Number(row.dataset.index));
    });
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
  }

  setTrace(steps: TraceStep[], lanes: string[]): void {
    this.steps = steps;
    this.lanes = lanes;
    this.selected = -1;
    this.element.style.setProperty('--lane-count', String(Math.max(lanes.length, 1)));
    this.element.setAttribute('aria-rowcount', String(steps.length + 1));
    this.element.setAttribute('aria-colcount', String(lanes.length + 1));
    clear(this.header);
    this.header.appendChild(el('div', { className: 'cell num', text: '#', attrs: { role: 'columnheader' } }));
    for (const lane of lanes) {
      const badge = el('vscode-badge', { text: lane });
      this.header.appendChild(
        el('div', { className: 'cell lane-title', attrs: { role: 'columnheader', title: `thread ${lane}` } }, [badge]),
      );
    }
    for (const row of this.rendered.values()) row.remove();
    this.rendered.clear();
    this.body.style.height = `${steps.length * ROW_HEIGHT}px`;
    this.viewport.scrollTop = 0;
    this.render();
  }

  select(index: number): void {
    if (index === this.selected) return;
    this.rendered.get(this.selected)?.classList.remove('selected');
    this.rendered.get(this.selected)?.setAttribute('aria-selected', 'false');
    this.selected = index;
    this.scrollIntoView(index);
    this.render();
    const row = this.rendered.get(index);
    row?.classList.add('selected');
    row?.setAttribute('aria-selected', 'true');
    this.element.setAttribute('aria-activedescendant', `step-row-${index}`);
  }

  /** Keeps row `index` in view below the sticky header (which sits inside the viewport). */
  private scrollIntoView(index: number): void {
    const head = this.header.offsetHeight;
    const top = index * ROW_HEIGHT;
    const vp = this.viewport;
    if (top < vp.scrollTop) vp.scrollTop = top;
    else if (head + top + ROW_HEIGHT > vp.scrollTop + vp.clientHeight) vp.scrollTop = head + top + ROW_HEIGHT - vp.clientHeight;
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Brings the DOM rows in line with the scroll position: adds the missing, drops the far. */
  private render(): void {
    const height = this.viewport.clientHeight || 600;
    const first = Math.max(0, Math.floor(this.viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.steps.length - 1, Math.ceil((this.viewport.scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
    for (const [i, row] of this.rendered) {
      if ((i < first || i > last) && i !== this.selected) {
        row.remove();
        this.rendered.delete(i);
      }
    }
    for (let i = first; i <= last; i++) {
      if (!this.rendered.has(i)) {
        const row = this.row(i);
        this.rendered.set(i, row);
        this.body.appendChild(row);
      }
    }
  }

  private row(i: number): HTMLElement {
    const s = this.steps[i]!;
    const selected = i === this.selected;
    const row = el('div', {
      className: selected ? 'row selected' : 'row',
      attrs: {
        role: 'row',
        id: `step-row-${i}`,
        'data-index': String(i),
        'data-step': String(s.step),
        'aria-rowindex': String(i + 2),
        'aria-selected': String(selected),
      },
    });
    row.style.top = `${i * ROW_HEIGHT}px`;
    row.appendChild(el('div', { className: 'cell num', text: String(s.step), attrs: { role: 'rowheader' } }));
    for (const lane of this.lanes) {
      if (lane !== s.thread) {
        row.appendChild(el('div', { className: 'cell lane', attrs: { role: 'gridcell' } }));
        continue;
      }
      const where = s.line !== undefined ? el('span', { className: 'where', text: `L${s.line}` }) : undefined;
      const action = el('span', { className: 'action', text: s.action });
      row.appendChild(
        el(
          'div',
          {
            className: 'cell lane active',
            attrs: {
              role: 'gridcell',
              title: s.line !== undefined ? `${s.action} (${s.file ?? ''}:${s.line})` : s.action,
              'data-thread': lane,
            },
          },
          where ? [where, action] : [action],
        ),
      );
    }
    return row;
  }
}
