// The race-replay page: holds the one trace, the selected step and the view parts,
// and talks to the extension through the typed messages of messages.ts.
import type { SimResult } from '../../server/src/contracts/simResult';
import {
  assertNever,
  parsePersistedState,
  parseToWebview,
  type PersistedState,
  type ToWebview,
  type TraceOrigin,
} from '../../server/src/contracts/webview/messages';
import { laneOrder, validateSimResult } from '../../server/src/contracts/webview/traceValidation';
import { clear, el } from './dom';
import { explainResult, statsLine } from './explain';
import { SwimLanes } from './lanes';
import { StatePane } from './statePane';
import type { WebviewApi } from './vscodeApi';

type View =
  | { kind: 'empty' }
  | { kind: 'busy'; title: string }
  | { kind: 'error'; origin: TraceOrigin; message: string }
  | { kind: 'trace'; origin: TraceOrigin; trace: SimResult; step: number };

export class ReplayApp {
  private view: View = { kind: 'empty' };
  private lanes: SwimLanes | undefined;
  private statePane: StatePane | undefined;
  private position: HTMLElement | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly api: WebviewApi,
  ) {}

  start(): void {
    const saved = parsePersistedState(this.api.getState());
    if (saved?.error !== undefined) this.showError(saved.origin, saved.error);
    else if (saved?.trace) this.load(saved.trace, saved.origin, saved.step);
    else this.renderEmpty();
    window.addEventListener('message', (e: MessageEvent) => this.receive(e.data));
    window.addEventListener('keydown', (e) => this.onKey(e));
    this.api.postMessage({ type: 'ready' });
  }

  private receive(data: unknown): void {
    const msg: ToWebview | undefined = parseToWebview(data);
    if (!msg) {
      console.warn('[xsr replay] ignored a malformed message', data);
      return;
    }
    switch (msg.type) {
      case 'load':
        this.load(msg.trace, msg.origin, msg.step);
        break;
      case 'loadError':
        this.showError(msg.origin, msg.message);
        break;
      case 'select':
        this.select(msg.step, false);
        break;
      case 'busy':
        this.view = { kind: 'busy', title: msg.title };
        clear(this.root);
        this.root.appendChild(
          el('div', { className: 'busy', attrs: { role: 'status' } }, [
            el('vscode-progress-ring'),
            el('span', { text: `Simulating ${msg.title}…` }),
          ]),
        );
        break;
      default:
        assertNever(msg);
    }
  }

  private load(raw: unknown, origin: TraceOrigin, step: number): void {
    const checked = validateSimResult(raw);
    if (!checked.ok) {
      this.showError(origin, checked.error);
      return;
    }
    const trace = checked.value;
    const index = trace.trace.length === 0 ? 0 : Math.min(step, trace.trace.length - 1);
    this.view = { kind: 'trace', origin, trace, step: index };
    this.renderTrace(trace, origin);
    if (trace.trace.length > 0) this.select(index, false, true);
    this.persist();
  }

  private showError(origin: TraceOrigin, message: string): void {
    this.view = { kind: 'error', origin, message };
    this.lanes = undefined;
    clear(this.root);
    this.root.appendChild(
      el('div', { className: 'load-error', attrs: { role: 'alert' } }, [
        el('h1', { text: `Cannot show ${origin.title}` }),
        el('p', { className: 'error-message', text: message }),
        el('p', {
          className: 'hint',
          text: 'A trace is the JSON written by “xsr simulate --format json” or saved from this panel (*.xsrtrace.json).',
        }),
      ]),
    );
    this.persist();
  }

  private renderEmpty(): void {
    clear(this.root);
    this.root.appendChild(
      el('p', {
        className: 'placeholder',
        text: 'No trace loaded. Run “Xen Scheduler Review: Simulate Interleavings” or open a .xsrtrace.json file.',
      }),
    );
  }

  private renderTrace(trace: SimResult, origin: TraceOrigin): void {
    clear(this.root);
    const { headline, sentence } = explainResult(trace);
    const badge = el('vscode-badge', { className: `result-badge result-${trace.result}`, text: trace.result });
    const header = el('header', { className: 'summary' }, [
      el('h1', { className: 'title', text: origin.title }),
      badge,
      el('span', { className: 'headline', text: headline }),
      el('span', { className: 'stats', text: statsLine(trace) }),
    ]);
    this.root.appendChild(header);

    const hasSteps = trace.trace.length > 0;
    if (hasSteps) {
      const button = (label: string, title: string, action: () => void, id: string): HTMLElement => {
        const b = el('vscode-button', { text: label, attrs: { title, 'data-action': id, secondary: '' } });
        b.addEventListener('click', action);
        return b;
      };
      const last = trace.trace.length - 1;
      this.position = el('span', { className: 'position', attrs: { 'aria-live': 'polite' } });
      this.root.appendChild(
        el('div', { className: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Step controls' } }, [
          button('First', 'First step (Home)', () => this.select(0, true), 'first'),
          button('← Previous', 'Previous step (←)', () => this.select(this.current() - 1, true), 'previous'),
          button('Next →', 'Next step (→)', () => this.select(this.current() + 1, true), 'next'),
          button('Last', 'Last step (End)', () => this.select(last, true), 'last'),
          button('Save Trace…', 'Save this trace as a .xsrtrace.json file', () => this.api.postMessage({ type: 'saveTrace' }), 'save'),
          this.position,
        ]),
      );
      this.lanes = new SwimLanes({ onSelect: (i) => this.select(i, true) });
      this.statePane = new StatePane();
      this.root.appendChild(el('div', { className: 'main' }, [this.lanes.element, this.statePane.element]));
      this.lanes.setTrace(trace.trace, laneOrder(trace));
    } else {
      this.lanes = undefined;
      this.statePane = undefined;
      this.position = undefined;
    }

    this.root.appendChild(
      el('div', { className: `verdict verdict-${trace.result}`, attrs: { role: 'status' } }, [
        el('strong', { text: `${headline}. ` }),
        el('span', { className: 'verdict-text', text: sentence }),
      ]),
    );
    if (trace.notes && trace.notes.length > 0) {
      const list = el(
        'ul',
        {},
        trace.notes.map((n) => el('li', { text: n })),
      );
      this.root.appendChild(
        el('vscode-collapsible', { className: 'notes', attrs: { title: `Model notes (${trace.notes.length})` } }, [list]),
      );
    }
  }

  private current(): number {
    return this.view.kind === 'trace' ? this.view.step : 0;
  }

  /** Selects a step; `fromUser` tells the extension so it can move the editor. */
  private select(index: number, fromUser: boolean, force = false): void {
    if (this.view.kind !== 'trace' || !this.lanes || !this.statePane) return;
    const steps = this.view.trace.trace;
    const i = Math.max(0, Math.min(index, steps.length - 1));
    if (i === this.view.step && !force) return;
    this.view.step = i;
    const s = steps[i]!;
    this.lanes.select(i);
    this.statePane.show(s.step, s.state, i > 0 ? steps[i - 1]!.state : undefined);
    if (this.position) {
      this.position.textContent = `Step ${i + 1} of ${steps.length} · ${s.thread}: ${s.action}${s.line !== undefined ? ` (line ${s.line})` : ''}`;
    }
    this.persist();
    if (fromUser) this.api.postMessage({ type: 'stepSelected', step: i });
  }

  private onKey(e: KeyboardEvent): void {
    if (this.view.kind !== 'trace' || e.altKey || e.ctrlKey || e.metaKey) return;
    const target = e.target as Element | null;
    if (target?.closest('vscode-button, vscode-collapsible, input, textarea')) return;
    const last = this.view.trace.trace.length - 1;
    let handled = true;
    switch (e.key) {
      case 'ArrowRight':
      case 'ArrowDown':
        this.select(this.current() + 1, true);
        break;
      case 'ArrowLeft':
      case 'ArrowUp':
        this.select(this.current() - 1, true);
        break;
      case 'Home':
        this.select(0, true);
        break;
      case 'End':
        this.select(last, true);
        break;
      case 'Enter':
        if (last >= 0) this.api.postMessage({ type: 'openSource', step: this.current() });
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  }

  private persist(): void {
    let state: PersistedState;
    switch (this.view.kind) {
      case 'trace':
        state = { version: 1, origin: this.view.origin, trace: this.view.trace, step: this.view.step };
        break;
      case 'error':
        state = { version: 1, origin: this.view.origin, error: this.view.message, step: 0 };
        break;
      case 'empty':
      case 'busy':
        return;
      default:
        assertNever(this.view);
    }
    this.api.setState(state);
  }
}
