// Xen's entry points as data: the functions something outside the analysed
// code calls (a hypercall, a softirq, a timer, a tasklet, a keyhandler, a
// stop_machine or continue_hypercall_on_cpu callback, an RCU callback, a
// cross-CPU call, a scheduler hook), and what they are entered holding. The
// guard inference (core/guards) and the interrupt analysis read the same
// facts: an entry point's callers are not in the analysed set, so what it
// holds on entry is never inferred from them.
//
// Sources (research/facts/entrypoints.json, hooks.json): softirq.c:77,
// timer.c:445-458, tasklet.c:92-95, keyhandler.h:15-28, stop_machine.c:117,
// domain.c:2444-2470, rcupdate.c:307, smp.c:53-85, sched/private.h:373-532,
// schedule.c (4.11) SCHED_OP call sites.

import { editBetween, type TextEdit } from '../syntax/textEdits';
import { TextMemo } from '../syntax/textMemo';
import { isIdentPart } from '../syntax/tokens';

type EntryKind =
  | 'hypercall'
  | 'softirq'
  | 'timer'
  | 'tasklet'
  | 'keyhandler'
  | 'irq-keyhandler'
  | 'stop-machine'
  | 'continue-hypercall'
  | 'rcu-callback'
  | 'ipi'
  | 'cpu-notifier'
  | 'scheduler-hook'
  /** A function stored in another struct's function-pointer field: called from somewhere we may not see. */
  | 'callback';

type IrqState = 'on' | 'off' | 'unknown';

/** What an entry point is entered holding. `held` uses the type-level lock names of `xsr guards` (`sched(cpu)`). */
export interface EntryFact {
  function: string;
  kind: EntryKind;
  /** How it is reached: the registrar (`init_timer`), the ops field (`sched_ops.sleep`) or the hypercall name. */
  via: string;
  held: readonly string[];
  irqs: IrqState;
  /**
   * Where the facts come from: the built-in table (with its Xen citation), the
   * naming convention, or the code's own call sites; `unknown` for a function
   * stored in a callback field nobody here calls (its context cannot be said).
   */
  source: 'table' | 'convention' | 'learned' | 'unknown';
  evidence: string;
  /** Where the function was registered (a registrar call or an ops-table initialiser), when it was. */
  path?: string;
  offset?: number;
}

/** A call that registers a callback: which argument is the function, and how it is later called. */
interface Registrar {
  name: string;
  callbackArg: number;
  kind: EntryKind;
  irqs: IrqState;
  evidence: string;
}

const REGISTRARS: readonly Registrar[] = [
  {
    name: 'open_softirq',
    callbackArg: 1,
    kind: 'softirq',
    irqs: 'on',
    evidence: 'do_softirq() runs handlers with IRQs on, not atomic (softirq.c:73)',
  },
  {
    name: 'init_timer',
    callbackArg: 1,
    kind: 'timer',
    irqs: 'on',
    evidence: 'execute_timer() drops the timer lock with spin_unlock_irq() before calling (timer.c:454-456)',
  },
  {
    name: 'tasklet_init',
    callbackArg: 1,
    kind: 'tasklet',
    irqs: 'on',
    evidence: 'do_tasklet_work() calls it with tasklet_lock dropped (tasklet.c:92-95)',
  },
  {
    name: 'softirq_tasklet_init',
    callbackArg: 1,
    kind: 'tasklet',
    irqs: 'on',
    evidence: 'TASKLET_SOFTIRQ, as a tasklet (tasklet.c:92-95)',
  },
  { name: 'DECLARE_TASKLET', callbackArg: 1, kind: 'tasklet', irqs: 'on', evidence: 'a tasklet (tasklet.c:92-95)' },
  { name: 'DECLARE_SOFTIRQ_TASKLET', callbackArg: 1, kind: 'tasklet', irqs: 'on', evidence: 'a softirq tasklet (tasklet.c:92-95)' },
  {
    name: 'register_keyhandler',
    callbackArg: 1,
    kind: 'keyhandler',
    irqs: 'on',
    evidence: 'keyhandlers run with interrupts enabled (keyhandler.h:15-20)',
  },
  {
    name: 'KEYHANDLER',
    callbackArg: 1,
    kind: 'keyhandler',
    irqs: 'on',
    evidence: 'keyhandlers run with interrupts enabled (keyhandler.h:15-20)',
  },
  {
    name: 'register_irq_keyhandler',
    callbackArg: 1,
    kind: 'irq-keyhandler',
    irqs: 'off',
    evidence: 'IRQ keyhandlers run in hard IRQ context (keyhandler.h:22-28)',
  },
  {
    name: 'IRQ_KEYHANDLER',
    callbackArg: 1,
    kind: 'irq-keyhandler',
    irqs: 'off',
    evidence: 'IRQ keyhandlers run in hard IRQ context (keyhandler.h:22-28)',
  },
  {
    name: 'stop_machine_run',
    callbackArg: 0,
    kind: 'stop-machine',
    irqs: 'off',
    evidence: 'every CPU disables interrupts before the function runs (stop_machine.c:117)',
  },
  {
    name: 'continue_hypercall_on_cpu',
    callbackArg: 1,
    kind: 'continue-hypercall',
    irqs: 'on',
    evidence: 'a per-vCPU tasklet on the target CPU (domain.c:2444-2470)',
  },
  { name: 'call_rcu', callbackArg: 1, kind: 'rcu-callback', irqs: 'on', evidence: 'RCU_SOFTIRQ (rcupdate.c:307)' },
  { name: 'on_selected_cpus', callbackArg: 1, kind: 'ipi', irqs: 'off', evidence: 'the call-function IPI handler (smp.c:85)' },
  { name: 'smp_call_function', callbackArg: 0, kind: 'ipi', irqs: 'off', evidence: 'the call-function IPI handler (smp.c:85)' },
];

const REGISTRAR_BY_NAME: ReadonlyMap<string, Registrar> = new Map(REGISTRARS.map((r) => [r.name, r]));

/** The guest-callable hypercalls (xen/include/hypercall-defs.c at HEAD), reached as do_NAME (compat_NAME for 32-bit guests). */
const HYPERCALLS: ReadonlySet<string> = new Set(
  (
    'argo_op callback_op console_io dm_op domctl event_channel_op event_channel_op_compat fpu_taskswitch get_debugreg ' +
    'grant_table_op hvm_op hypfs_op iret kexec_op mca memory_op mmu_update mmuext_op multicall nmi_op paging_domctl_cont ' +
    'physdev_op physdev_op_compat platform_op sched_op sched_op_compat set_callbacks set_debugreg set_gdt set_segment_base ' +
    'set_timer_op set_trap_table stack_switch sysctl update_descriptor update_va_mapping update_va_mapping_otherdomain ' +
    'vcpu_op vm_assist xen_version xenpmu_op xsm_op'
  ).split(' '),
);

/** A hypercall handler by Xen's naming: `do_NAME`/`compat_NAME` of a listed hypercall, or any `do_*_op`. */
export function hypercallOf(fn: string): string | undefined {
  const m = /^(?:do|compat)_(\w+)$/.exec(fn);
  if (!m) return undefined;
  if (HYPERCALLS.has(m[1]!) || (fn.startsWith('do_') && m[1]!.endsWith('_op'))) return m[1];
  return undefined;
}

/** The struct types whose initialisers are scheduler hook tables: `struct sched_ops` (HEAD), `struct scheduler` (up to 4.22). */
const HOOK_TABLES: ReadonlySet<string> = new Set(['sched_ops', 'scheduler']);

/** A few other callback tables whose calling context is known. */
const OTHER_TABLES: ReadonlyMap<string, { kind: EntryKind; irqs: IrqState; evidence: string }> = new Map([
  [
    'notifier_block.notifier_call',
    {
      kind: 'cpu-notifier',
      irqs: 'unknown',
      evidence: 'CPU notifiers run in process context, CPU_STARTING/CPU_DYING with IRQs off (cpu.h:25-64)',
    },
  ],
]);

interface HookFact {
  /** The core holds the scheduler lock of the unit (vCPU) or pCPU concerned (both, for pick/migrate). */
  held: 'sched' | 'none';
  irqs: IrqState;
  evidence: string;
}

const NONE_ON = (evidence: string): HookFact => ({ held: 'none', irqs: 'on', evidence });
const SCHED_OFF = (evidence: string): HookFact => ({ held: 'sched', irqs: 'off', evidence });

/**
 * What the scheduler core holds when it calls each hook, when the core's own
 * call sites are not in the analysed set (they are learned from them when
 * they are: see core/guards/entries.ts). Hook names of both eras (vcpu- and
 * unit-based).
 */
const SCHEDULER_HOOKS: ReadonlyMap<string, HookFact> = new Map([
  ['global_init', NONE_ON('scheduler_init(), boot (core.c:3044)')],
  ['init', NONE_ON('scheduler_init()/scheduler_alloc() (core.c:3069, 3429)')],
  ['deinit', NONE_ON('scheduler_free() (core.c:3441)')],
  ['alloc_udata', NONE_ON('sched_init_vcpu()/sched_move_domain() (core.c:589, 755)')],
  ['alloc_vdata', NONE_ON('sched_init_vcpu()/sched_move_domain() (schedule.c 4.11)')],
  ['free_udata', NONE_ON('sched_destroy_vcpu() and cleanups (core.c:681, 873)')],
  ['free_vdata', NONE_ON('sched_destroy_vcpu() (schedule.c 4.11)')],
  ['alloc_domdata', NONE_ON('sched_init_domain()/sched_move_domain() (core.c:738, 896)')],
  ['free_domdata', NONE_ON('sched_destroy_domain() (core.c:919)')],
  ['alloc_pdata', NONE_ON('schedule_cpu_add() (core.c:3139)')],
  ['free_pdata', NONE_ON('free_cpu_rm_data() (core.c:3310)')],
  ['init_pdata', { held: 'none', irqs: 'off', evidence: 'CPU_STARTING, IRQs off (schedule.c:1740, 4.11)' }],
  ['deinit_pdata', { held: 'none', irqs: 'unknown', evidence: 'schedule_cpu_rm() after the unlock (core.c:3398)' }],
  ['switch_sched', SCHED_OFF("schedule_cpu_add() under the CPU's old scheduler lock (core.c:3166-3207)")],
  ['insert_unit', NONE_ON('sched_init_vcpu()/sched_move_domain() (core.c:651, 841)')],
  ['insert_vcpu', NONE_ON('sched_init_vcpu()/sched_move_domain() (schedule.c 4.11)')],
  ['remove_unit', NONE_ON('sched_move_domain()/sched_destroy_vcpu() (core.c:785, 872)')],
  ['remove_vcpu', NONE_ON('sched_move_domain()/sched_destroy_vcpu() (schedule.c 4.11)')],
  ['sleep', SCHED_OFF('vcpu_sleep_nosync_locked() under the unit lock (core.c:932-941)')],
  ['wake', SCHED_OFF('vcpu_wake() under the unit lock (core.c:992-1003)')],
  ['yield', SCHED_OFF('vcpu_yield() under the unit lock (core.c:1536-1537)')],
  ['context_saved', NONE_ON('sched_context_switched() after context_switch() (core.c:2344)')],
  ['do_schedule', SCHED_OFF("schedule() under the pCPU's lock (core.c:2694-2731)")],
  ['pick_resource', SCHED_OFF('sched_unit_migrate_finish() under both locks (core.c:1145-1161)')],
  ['pick_cpu', SCHED_OFF('vcpu_migrate() under both locks (schedule.c:671, 4.11)')],
  ['migrate', SCHED_OFF('sched_unit_move_locked() under both locks (core.c:1072)')],
  ['adjust', NONE_ON('sched_adjust(): the scheduler locks itself (core.c:2112-2116)')],
  ['adjust_global', NONE_ON('sched_adjust_global() (core.c:2141)')],
  // Also called unlocked, with IRQs on, while a vCPU is set up (core.c:600-638; schedule.c:283-285 in 4.11): no entry IRQ state.
  [
    'adjust_affinity',
    {
      held: 'sched',
      irqs: 'unknown',
      evidence: 'sched_set_affinity() under the unit lock, or unlocked at vCPU setup (core.c:1347-1358, 600-638)',
    },
  ],
  ['dump_settings', NONE_ON('schedule_dump() (core.c:3460)')],
  ['dump_cpu_state', NONE_ON('schedule_dump() after the unlock (core.c:3484-3486)')],
  ['move_timers', NONE_ON('sched_migrate_timers() (core.c:1341)')],
  ['tick_suspend', NONE_ON('the idle path (acpi/cpu_idle.c:604, 4.11)')],
  ['tick_resume', NONE_ON('the idle path (acpi/cpu_idle.c, 4.11)')],
]);

/** The type-level name of the per-pCPU scheduler lock. */
const SCHED_LOCK = 'sched(cpu)';

/** A registration found in a file: a registrar call or a `.field = fn` in a file-scope struct initialiser. */
export interface Registration {
  function: string;
  /** `init_timer`, or `T.field` for a struct initialiser. */
  via: string;
  path: string;
  offset: number;
  /** For an ops-table initialiser: the offset of the table's `{` (the members of one table share it). */
  table?: number;
}

const IDENT = /^[A-Za-z_]\w*$/;

/** The function an argument names (`fn`, `&fn`, `(void *)fn`), if it is a plain identifier. */
function calleeOfArg(text: string): string | undefined {
  const t = text
    .replace(/^\(\s*[\w\s*]+\)\s*/, '')
    .replace(/^&\s*/, '')
    .trim();
  return IDENT.test(t) ? t : undefined;
}

/**
 * The registrations in one file's text: calls of the registrars (anywhere)
 * and designated initialisers `.field = fn` inside `struct T name = { … }`
 * at file scope. Cheap: a text search for the registrar names first.
 */
export function registrationsIn(file: { path: string; text: string }): Registration[] {
  // Asked for each file by the lock analysis and again by the lock discipline: read once per text.
  const known = registrationMemo.get(file.text, () => new Map<string, Registration[]>());
  let regs = known.get(file.path);
  if (!regs) {
    const last = lastScan;
    const edit = last && last.path === file.path ? editBetween(last.text, file.text) : undefined;
    const moved = last && edit && movedBy(last, edit);
    if (moved) lastScan = { ...moved, path: file.path, text: file.text };
    else {
      const spans: [number, number][] = [];
      lastScan = { path: file.path, text: file.text, regs: findRegistrations(file, spans), spans };
    }
    known.set(file.path, (regs = lastScan.regs));
  }
  return regs;
}

const registrationMemo = new TextMemo<Map<string, Registration[]>>(64);

/**
 * The last text scanned: its registrations and the stretches of text each of
 * them, or each `= {` that could have been one, was read from (for the next
 * text, when it is this one edited).
 */
interface Scan {
  path: string;
  text: string;
  regs: Registration[];
  spans: [number, number][];
}

let lastScan: Scan | undefined;

const WORD = /^\w*$/;

/** The run of word characters around `[from, to)`. */
function wordAround(text: string, from: number, to: number): { start: number; end: number } {
  let start = from;
  while (start > 0 && isIdentPart(text.charCodeAt(start - 1))) start--;
  let end = to;
  while (end < text.length && isIdentPart(text.charCodeAt(end))) end++;
  return { start, end };
}

/**
 * The registrations of `edit.after` from those of `edit.before`, moved,
 * when the edit changes one word's letters only (a keystroke renaming a
 * call or a variable): the word is a word before and after it and neither
 * time a registrar's name, and no registration, or `= {` that could have
 * been one, read text there. A registrar call is a whole word before `(`, so
 * no call appears or goes; the text between the words (brackets, `=`,
 * spaces) is the same, so the `{` looked back from are the same, with the same
 * characters before them; everything that was read elsewhere is the same
 * text, moved. Undefined otherwise (the text is read whole).
 */
function movedBy(last: Scan, edit: TextEdit): { regs: Registration[]; spans: [number, number][] } | undefined {
  const newEnd = edit.start + edit.newLength;
  if (!WORD.test(edit.before.slice(edit.start, edit.oldEnd)) || !WORD.test(edit.after.slice(edit.start, newEnd))) return undefined;
  const was = wordAround(edit.before, edit.start, edit.oldEnd);
  const now = wordAround(edit.after, edit.start, newEnd);
  if (was.start === was.end || now.start === now.end) return undefined;
  if (REGISTRAR_BY_NAME.has(edit.before.slice(was.start, was.end)) || REGISTRAR_BY_NAME.has(edit.after.slice(now.start, now.end)))
    return undefined;
  // The characters either side of the word too (a `\b`, a look-back).
  for (const [from, to] of last.spans) if (from <= was.end && was.start - 1 <= to) return undefined;
  const delta = edit.newLength - (edit.oldEnd - edit.start);
  const at = (x: number): number => (x >= edit.oldEnd ? x + delta : x);
  const regs = last.regs.map((r) =>
    r.offset < edit.oldEnd ? r : { ...r, offset: r.offset + delta, ...(r.table !== undefined ? { table: at(r.table) } : {}) },
  );
  return { regs, spans: last.spans.map(([from, to]) => [at(from), at(to)]) };
}

/** The file's registrations; `spans` gets the stretches of text each was read from, and each `= {` that was not one. */
function findRegistrations(file: { path: string; text: string }, spans: [number, number][]): Registration[] {
  const out: Registration[] = [];
  const text = file.text;
  const names =
    /\b(open_softirq|init_timer|tasklet_init|softirq_tasklet_init|DECLARE_TASKLET|DECLARE_SOFTIRQ_TASKLET|register_keyhandler|KEYHANDLER|register_irq_keyhandler|IRQ_KEYHANDLER|stop_machine_run|continue_hypercall_on_cpu|call_rcu|on_selected_cpus|smp_call_function)\s*\(/g;
  for (const m of text.matchAll(names)) {
    const r = REGISTRAR_BY_NAME.get(m[1]!)!;
    const open = m.index + m[0].length - 1;
    const { args, end } = argumentsAt(text, open);
    spans.push([m.index, end]);
    const fn = args[r.callbackArg] !== undefined ? calleeOfArg(args[r.callbackArg]!) : undefined;
    if (fn) out.push({ function: fn, via: r.name, path: file.path, offset: m.index });
  }
  // `struct T name = { .f = fn, … };` (also `static const struct T name[] = { { .f = fn }, … }`): each `= {` looked back from.
  for (let at = text.indexOf('{'); at >= 0; at = text.indexOf('{', at + 1)) {
    let k = at - 1;
    while (k >= 0 && isSpace(text.charCodeAt(k))) k--;
    if (text.charCodeAt(k) !== 0x3d /* = */) continue;
    const head = /\bstruct\s+([A-Za-z_]\w*)\s+(?:__\w+\s+)*[A-Za-z_]\w*\s*(?:\[[^\]]*\]\s*)?$/.exec(text.slice(Math.max(0, k - 200), k));
    if (!head) {
      spans.push([Math.max(0, k - 200), at]);
      continue;
    }
    const close = matchingBrace(text, at);
    spans.push([Math.max(0, k - 200), close]);
    const body = text.slice(at, close);
    for (const f of body.matchAll(/\.\s*([A-Za-z_]\w*)\s*=\s*&?\s*([A-Za-z_]\w*)\s*[,}\n]/g))
      out.push({ function: f[2]!, via: `${head[1]!}.${f[1]!}`, path: file.path, offset: at + f.index, table: at });
    at = close - 1;
  }
  return out;
}

/**
 * `/\s/` for one UTF-16 unit, without making a one-character string: the
 * scan above looks back from every `{` of the file on every analysis (an
 * editor's keystroke included), and the regex on `text[k]` was most of it.
 */
function isSpace(c: number): boolean {
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return /\s/.test(String.fromCharCode(c));
}

/**
 * Argument texts of the call whose `(` is at `open` (top-level commas;
 * comments and strings are not looked into), and where the reading stopped
 * (the text from `open` to there is all that was read).
 */
function argumentsAt(text: string, open: number): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 0;
  let from = open + 1;
  const end = Math.min(text.length, open + 4000);
  for (let i = open; i < end; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      for (i++; i < end && text[i] !== c; i++) if (text[i] === '\\') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      i = e < 0 ? end : e + 1;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (--depth === 0) {
        args.push(text.slice(from, i).trim());
        return { args, end: i };
      }
    } else if (c === ',' && depth === 1) {
      args.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  // Read to the end of the text, or 4,000 characters on (then the text's length was read too).
  return { args, end: end === text.length ? Infinity : end };
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  return text.length;
}

/**
 * Hooks that create or destroy a scheduler instance: nothing else can reach
 * its private data while they run (the pool is not using it yet, or any
 * more), so their accesses are initialisation and teardown.
 */
const SETUP_HOOKS: ReadonlySet<string> = new Set(['global_init', 'init', 'deinit']);

export function isSetupHook(hook: string): boolean {
  return SETUP_HOOKS.has(hook);
}

/**
 * Hooks that create or tear down one object of a running scheduler (a unit's,
 * a domain's or a pCPU's private data: `alloc_udata`, `free_pdata`,
 * `init_pdata`, `deinit_pdata`): what they touch of that object is nobody
 * else's yet (or any more), but linking it into (or out of) a shared list is
 * a shared access. `switch_sched` is one of them: it initialises the new
 * scheduler's data of a pCPU that no CPU can reach through this scheduler
 * until the scheduler lock it installs at its end publishes them (the core
 * calls it holding the pCPU's old lock, core.c:3166-3207).
 */
export function isLifecycleHook(hook: string): boolean {
  return /^(alloc|free|init|deinit)_/.test(hook) || hook === 'switch_sched';
}

/** The hook name when `via` is a scheduler hook table field (`sched_ops.sleep`). */
export function schedulerHookOf(via: string): string | undefined {
  const dot = via.indexOf('.');
  if (dot < 0 || !HOOK_TABLES.has(via.slice(0, dot))) return undefined;
  return via.slice(dot + 1);
}

/**
 * What the code's own call sites say a hook (or any function-pointer field)
 * is entered holding: `sched_ops.sleep` → the locks every `s->ops->sleep(…)`
 * call site holds (core/guards/entries.ts learns them). Undefined: no call site seen.
 */
export type LearnedEntry = (via: string) => { held: readonly string[]; sites: number; irqs?: IrqState } | undefined;

/**
 * The entry facts of the analysed functions: registrations (with the
 * registrar's context), scheduler hooks (learned from the core's call sites,
 * else the built-in table) and hypercall handlers by name. `defined` says
 * which functions the analysed set defines (registrations of others are
 * dropped). A function registered twice keeps every fact.
 */
export function entryFacts(
  registrations: readonly Registration[],
  defined: (fn: string) => boolean,
  learned: LearnedEntry = () => undefined,
): Map<string, EntryFact[]> {
  const out = new Map<string, EntryFact[]>();
  const add = (f: EntryFact): void => {
    const list = out.get(f.function);
    if (!list) out.set(f.function, [f]);
    else if (!list.some((x) => x.via === f.via)) list.push(f);
  };
  for (const r of registrations) {
    if (!defined(r.function)) continue;
    const at = { path: r.path, offset: r.offset };
    const registrar = REGISTRAR_BY_NAME.get(r.via);
    if (registrar) {
      add({
        function: r.function,
        kind: registrar.kind,
        via: r.via,
        held: [],
        irqs: registrar.irqs,
        source: 'table',
        evidence: registrar.evidence,
        ...at,
      });
      continue;
    }
    const l = learned(r.via);
    const hook = schedulerHookOf(r.via);
    const fact = hook !== undefined ? SCHEDULER_HOOKS.get(hook) : undefined;
    if (l) {
      const irqs = l.irqs ?? fact?.irqs ?? 'unknown';
      const where = `${l.sites} call site${l.sites === 1 ? '' : 's'} of ->${r.via.slice(r.via.indexOf('.') + 1)}()`;
      const kind = hook !== undefined ? 'scheduler-hook' : (OTHER_TABLES.get(r.via)?.kind ?? 'callback');
      // What the table knows the core holds stays held (a call site the lock analysis reads less precisely cannot take it away).
      const held = [...new Set([...l.held, ...(fact?.held === 'sched' ? [SCHED_LOCK] : [])])];
      add({ function: r.function, kind, via: r.via, held, irqs, source: 'learned', evidence: `learned from ${where}`, ...at });
    } else if (fact) {
      add({
        function: r.function,
        kind: 'scheduler-hook',
        via: r.via,
        held: fact.held === 'sched' ? [SCHED_LOCK] : [],
        irqs: fact.irqs,
        source: 'table',
        evidence: fact.evidence,
        ...at,
      });
    } else if (hook !== undefined) {
      // A hook this table does not know (a newer or older API): called, but holding what we cannot say.
      add({
        function: r.function,
        kind: 'scheduler-hook',
        via: r.via,
        held: [],
        irqs: 'unknown',
        source: 'unknown',
        evidence: 'a scheduler hook',
        ...at,
      });
    } else {
      const other = OTHER_TABLES.get(r.via);
      add({
        function: r.function,
        kind: other?.kind ?? 'callback',
        via: r.via,
        held: [],
        irqs: other?.irqs ?? 'unknown',
        source: other ? 'table' : 'unknown',
        evidence: other?.evidence ?? `stored in ${r.via}`,
        ...at,
      });
    }
  }
  return out;
}

/** Hypercall handlers among `functions` (by name: they are listed in no table of the analysed C). */
export function hypercallFacts(functions: Iterable<string>): EntryFact[] {
  const out: EntryFact[] = [];
  for (const fn of functions) {
    const h = hypercallOf(fn);
    if (h !== undefined)
      out.push({
        function: fn,
        kind: 'hypercall',
        via: h,
        held: [],
        irqs: 'on',
        source: 'convention',
        evidence: `the ${h} hypercall: guest vCPU context, IRQs on, no lock held (multicall.c:69-74)`,
      });
  }
  return out;
}

const KIND_WORDS: Record<EntryKind, string> = {
  hypercall: 'a hypercall handler',
  softirq: 'a softirq handler',
  timer: 'a timer callback',
  tasklet: 'a tasklet',
  keyhandler: 'a keyhandler',
  'irq-keyhandler': 'an IRQ keyhandler',
  'stop-machine': 'a stop_machine_run() callback',
  'continue-hypercall': 'a continue_hypercall_on_cpu() callback',
  'rcu-callback': 'an RCU callback',
  ipi: 'a cross-CPU call (IPI) callback',
  'cpu-notifier': 'a CPU notifier',
  'scheduler-hook': 'a scheduler hook',
  callback: 'a callback',
};

/**
 * The interrupt state an entry point is entered with, from its entry facts,
 * with the reason in words: the registrars' contexts (softirq, timer and
 * tasklet functions with IRQs on, stop_machine_run and IPI callbacks with
 * them off) and the scheduler hooks the core calls under an irqsave (or
 * `_irq`) scheduler lock, from the built-in table only (hooks it calls
 * unlocked too, `adjust_affinity`, say `unknown` there). Facts that disagree
 * (a function registered both ways) say nothing.
 */
export function entryIrqOf(facts: readonly EntryFact[]): { on: boolean; why: string; bare: boolean } | undefined {
  const known = facts.filter(
    (f) =>
      f.irqs !== 'unknown' &&
      f.source !== 'unknown' &&
      (f.kind === 'scheduler-hook' ? f.irqs === 'off' && f.held.length > 0 : f.kind !== 'callback' && f.kind !== 'cpu-notifier'),
  );
  const first = known[0];
  if (!first || known.some((f) => f.irqs !== first.irqs)) return undefined;
  const what =
    first.kind === 'scheduler-hook' ? `the ${first.via.slice(first.via.indexOf('.') + 1)} scheduler hook` : KIND_WORDS[first.kind];
  const via = ['timer', 'tasklet', 'softirq', 'keyhandler', 'irq-keyhandler', 'ipi'].includes(first.kind) ? ` (${first.via})` : '';
  return { on: first.irqs === 'on', why: `${what}${via}: ${first.evidence}`, bare: known.every((f) => f.held.length === 0) };
}
