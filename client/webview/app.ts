// The race-replay page: holds the one trace, the selected step and the view
// options, lays out the parts (the story on top, the lanes and the state, the
// verdict with what was modelled) and talks to the extension through the
// typed messages of messages.ts.
import {
  assertNever,
  DEFAULT_VIEW,
  parsePersistedState,
  parseToWebview,
  type PersistedState,
  type ToWebview,
  type TraceOrigin,
  type ViewOptions,
} from '../../server/src/contracts/webview/messages';
import { actionText, threadLabel, threadParts } from '../../server/src/contracts/webview/stepText';
import type { ReplayResult } from '../../server/src/contracts/webview/trace';
import { laneOrder, validateSimResult } from '../../server/src/contracts/webview/traceValidation';
import { clear, el } from './dom';
import { explainResult, RESULT_LABEL, statsLine } from './explain';
import { type Lane, SwimLanes } from './lanes';
import { StatePane } from './statePane';
import { type Marks, marksOf, storyOf } from './story';
import { verdictDetails } from './verdict';
import type { WebviewApi } from './vscodeApi';

type View =
  | { kind: 'empty' }
  | { kind: 'busy'; title: string }
  | { kind: 'error'; origin: TraceOrigin; message: string }
  | { kind: 'trace'; origin: TraceOrigin; trace: ReplayResult; step: number; marks: Marks };

const RESULT_ICON: Record<ReplayResult['result'], string> = {
  violation: '✖',
  verified: '✔',
  limit: '⚠',
  'nothing-to-check': '–',
};

export class ReplayApp {
  private view: View = { kind: 'empty' };
  private options: ViewOptions = { ...DEFAULT_VIEW };
  private lanes: SwimLanes | undefined;
  private statePane: StatePane | undefined;
  private position: HTMLElement | undefined;
  private staleBanner: HTMLElement | undefined;
  private stale: { files: string[]; canRerun: boolean } = { files: [], canRerun: false };

  constructor(
    private readonly root: HTMLElement,
    private readonly api: WebviewApi,
  ) {}

  start(): void {
    const saved = parsePersistedState(this.api.getState());
    if (saved?.view) this.options = saved.view;
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
        this.stale = { files: [], canRerun: false };
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
            el('vscode-progress-ring', { attrs: { 'aria-label': 'Simulating' } }),
            el('span', { text: `Simulating ${msg.title}…` }),
          ]),
        );
        break;
      case 'stale':
        this.stale = { files: msg.files, canRerun: msg.canRerun };
        this.renderStale();
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
    this.view = { kind: 'trace', origin, trace, step: index, marks: marksOf(trace) };
    this.renderTrace(trace, origin);
    if (trace.trace.length > 0) this.select(index, false, true);
    this.persist();
  }

  private showError(origin: TraceOrigin, message: string): void {
    this.view = { kind: 'error', origin, message };
    this.lanes = undefined;
    clear(this.root);
    this.root.appendChild(
      el('main', { className: 'load-error', attrs: { role: 'alert' } }, [
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
      el('main', {}, [
        el('p', {
          className: 'placeholder',
          text: 'No trace loaded. Run “Xen Scheduler Review: Simulate Interleavings” or open a .xsrtrace.json file.',
        }),
      ]),
    );
  }

  private button(label: string, title: string, action: () => void, id: string): HTMLButtonElement {
    const b = el('button', { text: label, attrs: { type: 'button', title, 'data-action': id } });
    b.addEventListener('click', action);
    return b;
  }

  /** The lanes to draw: the threads that act, and with the toggle on the idle ones too. */
  private lanesOf(trace: ReplayResult): { shown: Lane[]; idle: number } {
    const functions = new Map((trace.model?.threads ?? []).map((t) => [t.name, t.function]));
    const acting = new Set(trace.trace.map((s) => s.thread));
    const all = laneOrder(trace).map((thread): Lane => ({ thread, ...threadParts(thread, functions) }));
    const shown = all.filter((l) => this.options.showIdleLanes || acting.has(l.thread));
    return { shown, idle: all.length - all.filter((l) => acting.has(l.thread)).length };
  }

  private renderTrace(trace: ReplayResult, origin: TraceOrigin): void {
    clear(this.root);
    const { headline, sentence } = explainResult(trace);
    const header = el('header', { className: 'summary' }, [
      el('h1', { className: 'title', text: origin.title }),
      el('span', { className: `result-badge result-${trace.result}`, text: `${RESULT_ICON[trace.result]} ${RESULT_LABEL[trace.result]}` }),
      el('span', { className: 'headline', text: headline }),
      el('span', { className: 'stats', text: statsLine(trace) }),
    ]);
    this.staleBanner = el('div', { className: 'stale', attrs: { role: 'alert', hidden: '' } });
    const main = el('main', { className: 'content' }, [header, this.staleBanner]);
    this.root.appendChild(main);
    this.renderStale();

    const story = storyOf(trace);
    if (story.length) {
      main.appendChild(
        el('section', { className: 'story', attrs: { 'aria-label': 'What happened' } }, [
          el('h2', { className: 'sr-only', text: 'What happened' }),
          ...story.map((s) => el('p', { text: s })),
        ]),
      );
    }

    if (trace.trace.length > 0) {
      const last = trace.trace.length - 1;
      const { shown, idle } = this.lanesOf(trace);
      this.position = el('span', { className: 'position' });
      const tools: Node[] = [
        this.button('First', 'First step (Home)', () => this.select(0, true), 'first'),
        this.button('← Previous', 'Previous step (←)', () => this.select(this.current() - 1, true), 'previous'),
        this.button('Next →', 'Next step (→)', () => this.select(this.current() + 1, true), 'next'),
        this.button('Last', 'Last step (End)', () => this.select(last, true), 'last'),
      ];
      if (idle > 0) {
        const box = el('input', { attrs: { type: 'checkbox', id: 'show-idle', 'data-action': 'show-idle' } });
        box.checked = this.options.showIdleLanes;
        box.addEventListener('change', () => {
          this.options = { ...this.options, showIdleLanes: box.checked };
          this.redrawLanes();
        });
        tools.push(
          el('label', { className: 'toggle', attrs: { for: 'show-idle' } }, [
            box,
            el('span', { text: `Show ${idle} idle thread${idle === 1 ? '' : 's'}` }),
          ]),
        );
      }
      tools.push(
        this.button('Save Trace…', 'Save this trace as a .xsrtrace.json file', () => this.api.postMessage({ type: 'saveTrace' }), 'save'),
      );
      tools.push(this.position);
      main.appendChild(el('div', { className: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Step controls' } }, tools));
      this.lanes = new SwimLanes({ onSelect: (i) => this.select(i, true) });
      this.statePane = new StatePane(this.options, (v) => {
        this.options = { ...this.options, ...v };
        this.persist();
      });
      main.appendChild(el('div', { className: 'main' }, [this.lanes.element, this.statePane.element]));
      this.setLanes(trace, shown);
    } else {
      this.lanes = undefined;
      this.statePane = undefined;
      this.position = undefined;
    }

    main.appendChild(
      el('section', { className: `verdict verdict-${trace.result}`, attrs: { role: 'status', 'aria-label': 'Verdict' } }, [
        el('p', {}, [el('strong', { text: `${headline}. ` }), el('span', { className: 'verdict-text', text: sentence })]),
        ...verdictDetails(trace, {
          goTo: (index) => {
            this.select(index, true);
            this.api.postMessage({ type: 'openSource', step: index });
          },
          openAssertion: () => this.api.postMessage({ type: 'openAssertion' }),
        }),
      ]),
    );
    if (trace.model) main.appendChild(this.modelSection(trace.model));
    if (trace.notes && trace.notes.length > 0) {
      main.appendChild(
        el('details', { className: 'notes' }, [
          el('summary', { text: `Model notes (${trace.notes.length})` }),
          el(
            'ul',
            {},
            trace.notes.map((n) => el('li', { text: n })),
          ),
        ]),
      );
    }
  }

  private modelSection(m: NonNullable<ReplayResult['model']>): HTMLElement {
    const items: Node[] = [
      el('h3', { text: 'Threads' }),
      el(
        'ul',
        {},
        m.threads.map((t) => el('li', { text: `${t.name} runs ${t.function}()` })),
      ),
      el('h3', { text: 'Shared locations' }),
      m.locations.length
        ? el(
            'ul',
            {},
            m.locations.map((l) => el('li', { text: l })),
          )
        : el('p', { text: 'none' }),
    ];
    if (m.skipped.length) {
      items.push(
        el('h3', { text: 'Left out' }),
        el(
          'ul',
          {},
          m.skipped.map((s) => el('li', { text: s })),
        ),
      );
    }
    return el('details', { className: 'model' }, [
      el('summary', {
        text: `What was modelled: ${m.threads.length} thread${m.threads.length === 1 ? '' : 's'}, ${m.locations.length} location${m.locations.length === 1 ? '' : 's'}`,
      }),
      ...items,
    ]);
  }

  private setLanes(trace: ReplayResult, lanes: Lane[]): void {
    const marks = this.view.kind === 'trace' ? this.view.marks.steps : new Map<number, string>();
    this.lanes?.setTrace(
      trace.trace,
      lanes,
      marks,
      `Interleaving of ${lanes.length} thread${lanes.length === 1 ? '' : 's'}, ${trace.trace.length} steps`,
    );
  }

  private redrawLanes(): void {
    if (this.view.kind !== 'trace') return;
    this.setLanes(this.view.trace, this.lanesOf(this.view.trace).shown);
    this.lanes?.select(this.view.step);
    this.persist();
  }

  private renderStale(): void {
    const banner = this.staleBanner;
    if (!banner) return;
    clear(banner);
    const { files, canRerun } = this.stale;
    if (files.length === 0) {
      banner.setAttribute('hidden', '');
      return;
    }
    banner.removeAttribute('hidden');
    banner.appendChild(
      el('span', {
        text: `The source changed since this trace was made (${files.join(', ')}): its steps may no longer match the lines they name.`,
      }),
    );
    if (canRerun)
      banner.appendChild(
        this.button(
          'Run Again',
          'Simulate the same functions on the current source',
          () => this.api.postMessage({ type: 'rerun' }),
          'rerun',
        ),
      );
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
    const functions = new Map((this.view.trace.model?.threads ?? []).map((t) => [t.name, t.function]));
    const said = `Step ${s.step} of ${steps[steps.length - 1]!.step}, ${threadLabel(s.thread, functions)}: ${actionText(s)}`;
    const mark = this.view.marks.steps.get(i);
    const breaking = mark ? this.view.marks.rows : new Set<string>();
    this.statePane.show(s.step, s.state, i > 0 ? steps[i - 1]!.state : undefined, breaking, mark ? `${said}; ${mark}` : said);
    if (this.position) {
      this.position.textContent = `Step ${i + 1} of ${steps.length} · ${s.thread}: ${actionText(s)}${s.line !== undefined ? ` (line ${s.line})` : ''}`;
    }
    this.persist();
    if (fromUser) this.api.postMessage({ type: 'stepSelected', step: i });
  }

  private onKey(e: KeyboardEvent): void {
    if (this.view.kind !== 'trace' || e.altKey || e.ctrlKey || e.metaKey) return;
    const target = e.target as Element | null;
    if (target?.closest('button, summary, input, textarea, select, a')) return;
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
        state = { version: 1, origin: this.view.origin, trace: this.view.trace, step: this.view.step, view: this.options };
        break;
      case 'error':
        state = { version: 1, origin: this.view.origin, error: this.view.message, step: 0, view: this.options };
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
