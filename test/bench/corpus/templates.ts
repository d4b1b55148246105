// Function templates for the benchmark corpus. Each template writes one whole
// function (comment, signature, body) in Xen's style. The clean templates are
// lock-correct on every path; the bug templates each contain exactly one
// deliberate finding, named by their code.
import { Out, rawLock, pickStyle, ERRNOS, type Api, type Era } from './emit';
import type { Rng } from './rng';

export interface FileKind {
  /** core, credit, credit2, rt, null, cpupool */
  id: string;
  prefix: string;
  /** Type of the scheduler-private structure. */
  privType: string;
  /** The private lock expression (without '&'). */
  privLock: string;
  privKind: 'spin' | 'rw';
  /** Probability that a function uses the 4.13+ unit API. */
  unitShare: number;
  /** One-line description for the file header. */
  blurb: string;
}

export interface Helper {
  name: string;
  /** What the helper takes: the era's entity, the private struct, a domain, a pCPU. */
  arg: 'obj' | 'prv' | 'd' | 'cpu';
  era: Era;
}

export interface Ctx {
  rng: Rng;
  kind: FileKind;
  api: Api;
  out: Out;
  /** The function's (unique) name. */
  name: string;
  /** Helpers defined earlier in this file: `_locked` ones and lock-balanced ones. */
  locked: Helper[];
  balanced: Helper[];
}

export type Template = (c: Ctx) => void;

function privParam(c: Ctx): string {
  return `${c.kind.privType} *prv`;
}

function usesPrvParam(c: Ctx): boolean {
  return c.kind.privLock.startsWith('prv->');
}

/** Arguments for a call to helper h from a function that has all four names in scope. */
function callArgs(h: Helper, c: Ctx): string {
  switch (h.arg) {
    case 'obj':
      return c.api.obj;
    case 'prv':
      return 'prv';
    case 'd':
      return 'd';
    case 'cpu':
      return 'cpu';
  }
}

/** A helper call usable here (same era for entity helpers, prv only where prv is a parameter). */
function pickHelper(c: Ctx, list: Helper[], args: ReadonlyArray<Helper['arg']>): Helper | undefined {
  const ok = list.filter((h) => args.includes(h.arg) && (h.arg !== 'obj' || h.era === c.api.era) && (h.arg !== 'prv' || usesPrvParam(c)));
  return ok.length ? c.rng.pick(ok) : undefined;
}

function statStmt(c: Ctx): string {
  return c.rng.pick([
    `SCHED_STAT_CRANK(${c.kind.prefix}_${c.rng.pick(['kick', 'tickle', 'acct', 'wake', 'pick'])});`,
    `TRACE_2D(TRC_SCHED_${c.rng.pick(['WAKE', 'SLEEP', 'MIGRATE', 'ADJDOM'])}, ${c.api.vcpu}->domain->domain_id, ${c.api.vcpu}->vcpu_id);`,
    `perfc_incr(${c.kind.prefix}_${c.rng.pick(['runq_scan', 'migrate', 'steal'])});`,
  ]);
}

/** A few lines of lock-neutral work on the entity. */
function work(c: Ctx, n = c.rng.int(1, 3)): void {
  for (let i = 0; i < n; i++) {
    c.out.l(
      c.rng.pick([
        statStmt(c),
        `${c.api.obj}->${c.rng.pick(['budget', 'credit', 'weight', 'last_tick'])} = NOW();`,
        `cpumask_and(cpumask_scratch, ${c.api.obj === 'v' ? 'v->cpu_hard_affinity' : 'unit->cpu_hard_affinity'}, &cpu_online_map);`,
        c.api.era === 'vcpu' ? c.api.hook(c.rng.pick(['yield', 'wake', 'sleep'])) + ';' : c.api.hook(c.rng.pick(['wake', 'sleep', 'yield'])) + ';',
      ]),
    );
  }
}

// ---------------------------------------------------------------- clean

/** for_each_* loop taking the entity's lock per iteration, continue/break after unlock. */
const loopLockEach: Template = (c) => {
  const { out, api, rng } = c;
  const style = pickStyle(rng);
  const declOneLine = rng.bool();
  out.l(`/* Walk every ${api.era === 'vcpu' ? 'vCPU' : 'unit'} of d under its own scheduler lock. */`);
  out.l(`static int ${c.name}(struct domain *d)`);
  out.l('{');
  out.in();
  out.l(`${api.param.replace(/ \*\w+$/, '')} *${api.obj};`);
  out.l('int n = 0;');
  out.l('');
  out.open(api.forEach('d'));
  if (style === 'irqsave') out.l('unsigned long flags;');
  if (declOneLine) out.l(`spinlock_t *lock = ${api.lock(style)};`);
  else {
    out.l('spinlock_t *lock;');
    out.l('');
    out.l(`lock = ${api.lock(style)};`);
  }
  out.l('');
  out.open(`if ( ${rng.bool() ? '!' : ''}${api.running} )`);
  out.l(`${api.unlock(style, 'lock')};`);
  out.l(rng.bool(0.7) ? 'continue;' : 'break;');
  out.close();
  out.l('');
  work(c);
  out.l('n++;');
  out.l(`${api.unlock(style, 'lock')};`);
  out.close();
  out.l('');
  out.l('return n;');
  out.out();
  out.l('}');
  c.balanced.push({ name: c.name, arg: 'd', era: api.era });
};

/** for_each_* loop with a single statement body and no lock. */
const loopSingle: Template = (c) => {
  const { out, api, rng } = c;
  const counted = rng.bool();
  out.l('/* A lock-free snapshot: good enough for a heuristic. */');
  out.l(`static unsigned int ${c.name}(const struct domain *d)`);
  out.l('{');
  out.in();
  out.l(`const ${api.param.replace(/ \*\w+$/, '')} *${api.obj};`);
  out.l('unsigned int n = 0;');
  out.l('');
  out.l(api.forEach('d'));
  out.in();
  if (counted) out.l(`n += ${api.runnable};`);
  else {
    out.l(`if ( ${api.running} )`);
    out.in();
    out.l('n++;');
    out.out();
  }
  out.out();
  out.l('');
  out.l('return n;');
  out.out();
  out.l('}');
};

/** A `_locked` helper: the caller holds the entity's scheduler lock (or the private lock). */
const lockedHelper: Template = (c) => {
  const { out, api, rng, kind } = c;
  const onPrv = usesPrvParam(c) && rng.bool(0.4);
  const name = `${c.name}_locked`;
  if (onPrv) {
    out.l(`/* ${kind.privLock} is held by the caller. */`);
    out.l(`static void ${name}(${privParam(c)})`);
    out.l('{');
    out.in();
    out.l('struct list_head *iter;');
    out.l('');
    out.l(kind.privKind === 'spin' ? `ASSERT(spin_is_locked(&${kind.privLock}));` : `ASSERT(rw_is_write_locked(&${kind.privLock}));`);
    out.l('');
    out.open('list_for_each ( iter, &prv->active_sdom )');
    out.l(`struct ${kind.prefix}_dom *sdom = list_entry(iter, struct ${kind.prefix}_dom, active_sdom_elem);`);
    out.l('');
    out.l('if ( sdom->active_vcpu_count == 0 )');
    out.in();
    out.l('continue;');
    out.out();
    out.l('prv->weight += sdom->weight;');
    out.close();
    out.out();
    out.l('}');
    c.locked.push({ name, arg: 'prv', era: api.era });
    return;
  }
  out.l(`/* The caller holds the scheduler lock of ${api.obj}'s pCPU. */`);
  out.l(`static void ${name}(${api.param})`);
  out.l('{');
  out.in();
  out.l(`ASSERT(spin_is_locked(${api.lockPtr}));`);
  out.l('');
  out.open(`if ( ${rng.bool() ? 'likely' : 'unlikely'}(${api.runnable}) )`);
  work(c);
  out.close();
  out.l('else');
  out.in();
  out.l(api.hook('sleep') + ';');
  out.out();
  out.out();
  out.l('}');
  c.locked.push({ name, arg: 'obj', era: api.era });
};

/** Take the entity's lock and call a `_locked` helper defined earlier (interprocedural). */
const callLocked: Template = (c) => {
  const { out, api, rng } = c;
  const h = pickHelper(c, c.locked, ['obj']);
  const style = pickStyle(rng);
  out.l(`/* Refresh ${api.obj}'s state under its lock. */`);
  out.l(`void ${c.name}(${api.param})`);
  out.l('{');
  out.in();
  if (style === 'irqsave') out.l('unsigned long flags;');
  out.l(`spinlock_t *lock = ${api.lock(style)};`);
  out.l('');
  if (h) out.l(`${h.name}(${api.obj});`);
  else work(c);
  out.l('');
  out.l(`${api.unlock(style, 'lock')};`);
  out.out();
  out.l('}');
  c.balanced.push({ name: c.name, arg: 'obj', era: api.era });
};

/** Private lock around a `_locked` helper on the private structure, or list walk. */
const privLockWalk: Template = (c) => {
  const { out, rng, kind } = c;
  const write = kind.privKind === 'spin' || rng.bool(0.6);
  const style = kind.privKind === 'rw' && write && rng.bool(0.7) ? 'irqsave' : pickStyle(rng);
  const [acq, rel] = rawLock(kind.privKind, style, kind.privLock, write);
  const h = write ? pickHelper(c, c.locked, ['prv']) : undefined;
  const params = usesPrvParam(c) ? `${privParam(c)}, unsigned int cpu` : 'unsigned int cpu';
  out.l(`/* Scan the ${rng.pick(['runqueue', 'depleted list', 'replenishment queue'])} of cpu. */`);
  out.l(`static int ${c.name}(${params})`);
  out.l('{');
  out.in();
  if (style === 'irqsave') out.l('unsigned long flags;');
  out.l('struct list_head *iter;');
  out.l('int seen = 0;');
  out.l('');
  out.l(acq);
  if (h) out.l(`${h.name}(prv);`);
  out.open(`list_for_each ( iter, ${c.kind.prefix}_RUNQ(cpu) )`);
  out.l(`const struct ${kind.prefix}_item *it = list_entry(iter, struct ${kind.prefix}_item, elem);`);
  out.l('');
  out.l('if ( it->pri < 0 )');
  out.in();
  out.l(rng.bool() ? 'break;' : 'continue;');
  out.out();
  out.l('seen++;');
  out.close();
  out.l(rel);
  out.l('');
  out.l('return seen;');
  out.out();
  out.l('}');
  if (!usesPrvParam(c)) c.balanced.push({ name: c.name, arg: 'cpu', era: c.api.era });
};

/** pcpu_schedule_trylock() (or spin_trylock on the private lock) with goto out. */
const trylockGoto: Template = (c) => {
  const { out, rng, kind } = c;
  const raw = rng.bool(0.35) && kind.privKind === 'spin';
  const test = rng.pick(['!lock', 'lock == NULL', 'unlikely(!lock)']);
  out.l('/* Opportunistic: if someone holds the lock they will reschedule anyway. */');
  out.l(`static int ${c.name}(${usesPrvParam(c) ? `${privParam(c)}, ` : ''}unsigned int cpu)`);
  out.l('{');
  out.in();
  if (!raw) out.l('spinlock_t *lock;');
  out.l(`int rc = ${rng.pick(ERRNOS)};`);
  out.l('');
  if (raw) {
    out.l(`if ( !spin_trylock(&${kind.privLock}) )`);
    out.in();
    out.l('goto out;');
    out.out();
    out.l('');
    out.l(`rc = ${kind.prefix}_runq_len(cpu);`);
    out.l(`spin_unlock(&${kind.privLock});`);
  } else {
    out.l('lock = pcpu_schedule_trylock(cpu);');
    out.l(`if ( ${test} )`);
    out.in();
    out.l('goto out;');
    out.out();
    out.l('');
    out.l('if ( !is_idle_vcpu(curr_on_cpu(cpu)) )');
    out.in();
    out.l('cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);');
    out.out();
    out.l('rc = 0;');
    out.l('pcpu_schedule_unlock(lock, cpu);');
  }
  out.l('');
  out.label(' out:');
  out.l('return rc;');
  out.out();
  out.l('}');
  if (!usesPrvParam(c)) c.balanced.push({ name: c.name, arg: 'cpu', era: c.api.era });
};

/** Credit2-style rwlock on the private structure, read or write, irqsave or not. */
const rwOrSpinPrv: Template = (c) => {
  const { out, rng, kind, api } = c;
  const write = rng.bool();
  const style = kind.privKind === 'rw' && write && rng.bool(0.7) ? 'irqsave' : pickStyle(rng);
  const [acq, rel] = rawLock(kind.privKind, style, kind.privLock, write);
  const sstyle = rng.pick(['plain', 'plain', 'irq'] as const);
  const nested = style !== 'plain' && sstyle === 'plain' && rng.bool(0.6);
  out.l(`/* ${kind.privLock} then ${api.obj}'s lock: the documented order. */`);
  out.l(`static void ${c.name}(${usesPrvParam(c) ? `${privParam(c)}, ` : ''}${api.param})`);
  out.l('{');
  out.in();
  if (style === 'irqsave') out.l('unsigned long flags;');
  if (nested) out.l('spinlock_t *lock;');
  out.l('');
  out.l(acq);
  if (nested) {
    out.l(`lock = ${api.lock('plain')};`);
    work(c);
    out.l(`${api.unlock('plain', 'lock')};`);
  } else work(c, 1);
  out.l(rel);
  out.out();
  out.l('}');
};

/** RCU read section around a scheduler-lock section (4.13+ core idiom). */
const rcuSection: Template = (c) => {
  const { out, rng, api } = c;
  const style = pickStyle(rng);
  const early = rng.bool();
  out.l('/* sched_res_rculock keeps the resource of the unit alive. */');
  out.l(`int ${c.name}(${api.param}, unsigned int cpu)`);
  out.l('{');
  out.in();
  if (style === 'irqsave') out.l('unsigned long flags;');
  out.l('spinlock_t *lock;');
  out.l('int ret = 0;');
  out.l('');
  out.l('rcu_read_lock(&sched_res_rculock);');
  out.l('');
  out.l(`lock = ${api.lock(style)};`);
  if (early) {
    out.open(`if ( unlikely(!cpumask_test_cpu(cpu, ${api.obj === 'v' ? 'v->cpu_hard_affinity' : 'unit->cpu_hard_affinity'})) )`);
    out.l(`ret = ${rng.pick(ERRNOS)};`);
    out.l(`${api.unlock(style, 'lock')};`);
    out.l('goto out;');
    out.close();
  }
  work(c);
  out.l(`${api.unlock(style, 'lock')};`);
  out.l('');
  if (early) out.label(' out:');
  out.l('rcu_read_unlock(&sched_res_rculock);');
  out.l('');
  out.l('return ret;');
  out.out();
  out.l('}');
};

/** sched_spin_lock_double() in a retry loop, broken out of holding both; processor write with both held. */
const doubleLockRetry: Template = (c) => {
  const { out, rng, api } = c;
  const lp = (cpu: string) => (api.era === 'vcpu' ? `per_cpu(schedule_data, ${cpu}).schedule_lock` : `get_sched_res(${cpu})->schedule_lock`);
  out.l('/*');
  out.l(' * Move to new_cpu with both pCPUs\' locks held; the lock pointers can');
  out.l(' * change while we wait, so retry until they are still the right ones.');
  out.l(' */');
  out.l(`static void ${c.name}(${api.param}, unsigned int new_cpu)`);
  out.l('{');
  out.in();
  out.l('unsigned long flags;');
  out.l('unsigned int old_cpu;');
  out.l('spinlock_t *old_lock, *new_lock;');
  out.l('');
  out.open('for ( ; ; )');
  out.l(`old_cpu = ${api.cpu};`);
  out.l(`old_lock = ${lp('old_cpu')};`);
  out.l(`new_lock = ${lp('new_cpu')};`);
  out.l('');
  out.l('sched_spin_lock_double(old_lock, new_lock, &flags);');
  out.l('');
  out.l(`if ( likely(old_lock == ${lp(api.cpu)}) )`);
  out.in();
  out.l('break;');
  out.out();
  out.l('');
  out.l('sched_spin_unlock_double(old_lock, new_lock, flags);');
  if (rng.bool()) out.l('cpu_relax();');
  out.close();
  out.l('');
  if (rng.bool()) {
    out.l(`if ( old_cpu != new_cpu && !${api.running} )`);
    out.in();
    out.l(api.placeOn('new_cpu'));
    out.out();
  } else out.l(api.placeOn('new_cpu'));
  out.l('');
  out.l('sched_spin_unlock_double(old_lock, new_lock, flags);');
  out.out();
  out.l('}');
};

/** The 2018 protocol done right, with its variants. */
const newInitiator: Template = (c) => {
  const { out, rng, api } = c;
  const style = pickStyle(rng);
  const variant = rng.pick(['plain', 'running', 'bool', 'ret'] as const);
  const rcu = api.era === 'unit';
  out.l(`/* Start the move under the lock, finish it once the lock is dropped. */`);
  out.l(`${variant === 'ret' || variant === 'bool' ? 'int' : 'void'} ${c.name}(${api.param}, unsigned int cpu)`);
  out.l('{');
  out.in();
  if (style === 'irqsave') out.l('unsigned long flags;');
  out.l('spinlock_t *lock;');
  if (variant === 'bool') out.l('bool migrate = false;');
  if (variant === 'ret' || variant === 'bool') out.l('int ret = -EINVAL;');
  out.l('');
  if (rcu) {
    out.l('rcu_read_lock(&sched_res_rculock);');
    out.l('');
  }
  out.l(`lock = ${api.lock(style)};`);
  const aff = api.obj === 'v' ? 'v->cpu_hard_affinity' : 'unit->cpu_hard_affinity';
  switch (variant) {
    case 'plain':
      out.l(`cpumask_set_cpu(cpu, ${aff});`);
      out.l(`${api.start};`);
      break;
    case 'running':
      out.l(`if ( ${api.running} )`);
      out.in();
      out.l(`${api.start};`);
      out.out();
      break;
    case 'bool':
      out.open(`if ( cpu < nr_cpu_ids && !cpumask_test_cpu(${api.cpu}, ${aff}) )`);
      out.l(`cpumask_copy(${aff}, cpumask_of(cpu));`);
      out.l('migrate = true;');
      out.l('ret = 0;');
      out.close();
      out.l('if ( migrate )');
      out.in();
      out.l(`${api.start};`);
      out.out();
      break;
    case 'ret':
      out.open('if ( cpu < nr_cpu_ids )');
      out.l(`cpumask_copy(${aff}, cpumask_of(cpu));`);
      out.l('ret = 0;');
      out.close();
      out.l('');
      out.l('if ( ret == 0 )');
      out.in();
      out.l(`${api.start};`);
      out.out();
      break;
  }
  out.l('');
  out.l(`${api.unlock(style, 'lock')};`);
  out.l('');
  if (variant === 'bool') {
    out.l('if ( migrate )');
    out.in();
    out.l(`${api.finish};`);
    out.out();
  } else out.l(`${api.finish};`);
  if (rcu) {
    out.l('');
    out.l('rcu_read_unlock(&sched_res_rculock);');
  }
  if (variant === 'ret' || variant === 'bool') {
    out.l('');
    out.l('return ret;');
  }
  out.out();
  out.l('}');
};

/** switch with fallthrough, a lock inside one case, non-returning calls in others. */
const switchFallthrough: Template = (c) => {
  const { out, rng } = c;
  const style = rng.pick(['irq', 'plain'] as const);
  out.l('/* React to a pCPU state change. */');
  out.l(`static int ${c.name}(unsigned int cpu, unsigned long action)`);
  out.l('{');
  out.in();
  out.l('spinlock_t *lock;');
  out.l('int rc = 0;');
  out.l('');
  out.l('switch ( action )');
  out.l('{');
  out.l('case CPU_UP_PREPARE:');
  out.in();
  out.l(`rc = ${c.kind.prefix}_alloc_pdata(cpu);`);
  out.l('if ( rc )');
  out.in();
  out.l('break;');
  out.out();
  out.l('/* fall through */');
  out.out();
  out.l('case CPU_STARTING:');
  out.in();
  out.l(`lock = pcpu_schedule_lock${style === 'irq' ? '_irq' : ''}(cpu);`);
  out.l(`${c.kind.prefix}_init_pdata(cpu);`);
  out.l(`pcpu_schedule_unlock${style === 'irq' ? '_irq' : ''}(lock, cpu);`);
  out.l('break;');
  out.out();
  out.l('case CPU_DEAD:');
  out.in();
  out.l(rng.bool() ? 'BUG_ON(cpu_online(cpu));' : 'ASSERT(!cpu_online(cpu));');
  out.l('break;');
  out.out();
  out.l('case CPU_DYING:');
  out.in();
  out.l(rng.pick(['BUG();', 'panic("cpu%u: unexpected dying\\n", cpu);', 'ASSERT_UNREACHABLE();']));
  out.out();
  out.l('default:');
  out.in();
  out.l('break;');
  out.out();
  out.l('}');
  out.l('');
  out.l('return rc;');
  out.out();
  out.l('}');
};

/** do { } while ( 0 ) with break inside a critical section, and BUG()/panic() under the lock. */
const doWhileBug: Template = (c) => {
  const { out, rng, api } = c;
  const style = pickStyle(rng);
  out.l('/* Sanity-check the runqueue position of the entity. */');
  out.l(`static void ${c.name}(${api.param})`);
  out.l('{');
  out.in();
  if (style === 'irqsave') out.l('unsigned long flags;');
  out.l(`spinlock_t *lock = ${api.lock(style)};`);
  out.l('');
  out.openDo();
  out.l(`if ( ${api.running} )`);
  out.in();
  out.l('break;');
  out.out();
  out.l(`if ( unlikely(${api.cpu} >= nr_cpu_ids) )`);
  out.in();
  out.l(rng.pick(['BUG();', `panic("%s: bad pCPU %u\\n", __func__, ${api.cpu});`]));
  out.out();
  work(c, 1);
  out.closeDo();
  out.l('');
  out.l(`${api.unlock(style, 'lock')};`);
  out.out();
  out.l('}');
};

/** Helper acquire released with a raw spin_unlock_irq() on the kept pointer. */
const rawRelease: Template = (c) => {
  const { out, api, rng } = c;
  out.l('/* The lock pointer may have moved meanwhile: release what we took. */');
  out.l(`static void ${c.name}(${api.param}, unsigned int cpu)`);
  out.l('{');
  out.in();
  out.l('spinlock_t *lock;');
  out.l('');
  out.l(`lock = ${api.lock('irq')};`);
  out.l(rng.bool() ? 'ASSERT(cpu < nr_cpu_ids);' : 'BUG_ON(cpu >= nr_cpu_ids);');
  out.l(api.placeOn('cpu'));
  out.l('spin_unlock_irq(lock);');
  out.out();
  out.l('}');
};

/** Error paths that all unlock, with likely()/unlikely() and a goto to an unlock label. */
const errorPathsClean: Template = (c) => {
  const { out, rng, api } = c;
  const style = pickStyle(rng);
  const useGoto = rng.bool();
  out.l('/* Set a parameter; every error path drops the lock it took. */');
  out.l(`int ${c.name}(${api.param}, int val)`);
  out.l('{');
  out.in();
  if (style === 'irqsave') out.l('unsigned long flags;');
  out.l('spinlock_t *lock;');
  out.l('int rc = 0;');
  out.l('');
  out.l(`if ( unlikely(val < 0) )`);
  out.in();
  out.l(`return ${rng.pick(ERRNOS)};`);
  out.out();
  out.l('');
  out.l(`lock = ${api.lock(style)};`);
  out.l('');
  out.open(`if ( !${api.runnable} )`);
  out.l(`rc = ${rng.pick(ERRNOS)};`);
  if (useGoto) out.l('goto out_unlock;');
  else {
    out.l(`${api.unlock(style, 'lock')};`);
    out.l('return rc;');
  }
  out.close();
  out.l('');
  out.l(`${api.obj}->${rng.pick(['weight', 'cap', 'budget'])} = val;`);
  work(c, 1);
  out.l('');
  if (useGoto) out.label(' out_unlock:');
  out.l(`${api.unlock(style, 'lock')};`);
  out.l('return rc;');
  out.out();
  out.l('}');
};

/** processor/res written holding only the old lock (restore_vcpu_affinity-like). */
const processorOldLock: Template = (c) => {
  const { out, api } = c;
  out.l('/* Re-home every entity of d; only the old pCPU\'s lock is needed. */');
  out.l(`void ${c.name}(struct domain *d)`);
  out.l('{');
  out.in();
  out.l(`${api.param.replace(/ \*\w+$/, '')} *${api.obj};`);
  out.l('');
  out.open(api.forEach('d'));
  out.l(`spinlock_t *lock = ${api.lock('irq')};`);
  out.l('');
  out.l(`ASSERT(!${api.runnable});`);
  out.l(api.placeOn(`cpumask_any(${api.obj === 'v' ? 'v->cpu_hard_affinity' : 'unit->cpu_hard_affinity'})`));
  out.l('spin_unlock_irq(lock);');
  out.close();
  out.out();
  out.l('}');
  c.balanced.push({ name: c.name, arg: 'd', era: api.era });
};

/** A scheduler flagging its running vCPU (Credit1 tickle / Credit2 migrate): not the old sequence. */
const schedFlagsRunning: Template = (c) => {
  const { out, rng, api } = c;
  const viaHelper = api.era === 'unit' && rng.bool();
  out.l('/* Ask the running entity to move: context_saved() finishes the job. */');
  out.l(`static void ${c.name}(unsigned int cpu)`);
  out.l('{');
  out.in();
  out.l('spinlock_t *lock = pcpu_schedule_lock_irq(cpu);');
  if (api.era === 'vcpu') out.l('struct vcpu *v = curr_on_cpu(cpu);');
  else out.l('struct sched_unit *unit = curr_on_cpu(cpu);');
  out.l('');
  out.open(`if ( !is_idle_${api.era === 'vcpu' ? 'vcpu(v)' : 'unit(unit)'} && ${api.running} )`);
  if (viaHelper) out.l('sched_set_pause_flags(unit, _VPF_migrating);');
  else out.l(`set_bit(_VPF_migrating, &${api.pauseFlags});`);
  out.l('cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);');
  out.close();
  out.l('');
  out.l('pcpu_schedule_unlock_irq(lock, cpu);');
  out.out();
  out.l('}');
  c.balanced.push({ name: c.name, arg: 'cpu', era: api.era });
};

/** Calls to lock-balanced functions defined earlier in the file, with no lock held. */
const callBalanced: Template = (c) => {
  const { out, rng, api } = c;
  const calls: Helper[] = [];
  for (let i = 0; i < 3; i++) {
    const h = pickHelper(c, c.balanced, ['d', 'cpu', 'obj']);
    if (h && !calls.includes(h)) calls.push(h);
  }
  out.l('/* Housekeeping: each step takes and drops its own locks. */');
  out.l(`static void ${c.name}(struct domain *d, unsigned int cpu)`);
  out.l('{');
  out.in();
  out.l(`${api.param.replace(/ \*\w+$/, '')} *${api.obj};`);
  out.l('');
  const perObj = calls.filter((h) => h.arg === 'obj');
  const rest = calls.filter((h) => h.arg !== 'obj');
  for (const h of rest) out.l(`${h.name}(${callArgs(h, c)});`);
  if (perObj.length) {
    out.l('');
    out.l(api.forEach('d'));
    out.in();
    out.l(`${perObj[0]!.name}(${api.obj});`);
    out.out();
  } else {
    out.l('');
    out.l(api.forEach('d'));
    out.in();
    out.l(`ASSERT(${api.obj}->domain == d);`);
    out.out();
  }
  if (rng.bool()) {
    out.l('');
    out.l('ASSERT(cpu < nr_cpu_ids);');
  } else {
    out.l('');
    out.l('BUG_ON(cpu >= nr_cpu_ids);');
  }
  out.out();
  out.l('}');
};

/** cpupool walk: for_each_domain_in_cpupool with list_for_each_entry and irqsave pCPU locks. */
const poolWalk: Template = (c) => {
  const { out, rng, api } = c;
  out.l('/* Visit every domain of the pool and every pCPU it may use. */');
  out.l(`static int ${c.name}(struct cpupool *c)`);
  out.l('{');
  out.in();
  out.l('struct domain *d;');
  out.l('struct sched_item *item;');
  out.l('unsigned long flags;');
  out.l('int n = 0;');
  out.l('');
  out.open('for_each_domain_in_cpupool ( d, c )');
  out.open('list_for_each_entry ( item, &d->sched_items, list )');
  out.l('spinlock_t *lock = pcpu_schedule_lock_irqsave(item->cpu, &flags);');
  out.l('');
  out.open(`if ( ${rng.bool() ? 'item->busy' : '!item->ready'} )`);
  out.l('pcpu_schedule_unlock_irqrestore(lock, flags, item->cpu);');
  out.l('continue;');
  out.close();
  out.l('n++;');
  out.l('pcpu_schedule_unlock_irqrestore(lock, flags, item->cpu);');
  out.close();
  out.close();
  out.l('');
  out.l('return n;');
  out.out();
  out.l('}');
  void api;
};

export const CLEAN: readonly Template[] = [
  loopLockEach,
  loopSingle,
  lockedHelper,
  callLocked,
  privLockWalk,
  trylockGoto,
  rwOrSpinPrv,
  rcuSection,
  doubleLockRetry,
  newInitiator,
  switchFallthrough,
  doWhileBug,
  rawRelease,
  errorPathsClean,
  processorOldLock,
  schedFlagsRunning,
  callBalanced,
  poolWalk,
];

// ---------------------------------------------------------------- bugs

export type BugCode = 'XSR001' | 'XSR002' | 'XSR003' | 'XSR006' | 'XSR007';

/** XSR007: an error path returns with the lock still held. */
const bugImbalance: Template = (c) => {
  const { out, rng, api } = c;
  const style = pickStyle(rng);
  const inLoop = rng.bool(0.4);
  out.l('/* Update a parameter of every entity (review: error path). */');
  if (inLoop) {
    out.l(`int ${c.name}(struct domain *d, int val)`);
    out.l('{');
    out.in();
    out.l(`${api.param.replace(/ \*\w+$/, '')} *${api.obj};`);
    if (style === 'irqsave') out.l('unsigned long flags;');
    out.l('');
    out.open(api.forEach('d'));
    out.l(`spinlock_t *lock = ${api.lock(style)};`);
    out.l('');
    out.l(`if ( ${api.obj}->weight > val )`);
    out.in();
    out.l(`return ${rng.pick(ERRNOS)};`);
    out.out();
    out.l(`${api.obj}->weight = val;`);
    out.l(`${api.unlock(style, 'lock')};`);
    out.close();
    out.l('');
    out.l('return 0;');
  } else {
    out.l(`int ${c.name}(${api.param}, int val)`);
    out.l('{');
    out.in();
    if (style === 'irqsave') out.l('unsigned long flags;');
    out.l(`spinlock_t *lock = ${api.lock(style)};`);
    out.l('');
    out.l(`if ( unlikely(val > ${api.obj}->cap) )`);
    out.in();
    out.l(`return ${rng.pick(ERRNOS)};`);
    out.out();
    out.l('');
    out.l(`${api.obj}->budget = val;`);
    out.l(`${api.unlock(style, 'lock')};`);
    out.l('');
    out.l('return 0;');
  }
  out.out();
  out.l('}');
};

/** XSR001: the pre-2018 initiator sequence. */
const bugOldSequence: Template = (c) => {
  const { out, rng, api } = c;
  const style = rng.pick(['irq', 'irqsave'] as const);
  const recheck = rng.pick(['mask', 'test_bit', 'none'] as const);
  const cond = rng.bool();
  const between = rng.bool();
  out.l('/* Re-place the entity after an affinity change (old sequence). */');
  out.l(`static void ${c.name}(${api.param}, unsigned int cpu)`);
  out.l('{');
  out.in();
  if (api.era === 'unit') out.l('struct vcpu *v = unit->vcpu_list;');
  if (style === 'irqsave') out.l('unsigned long flags;');
  out.l(`spinlock_t *lock = ${api.lock(style)};`);
  out.l('');
  out.l(`cpumask_set_cpu(cpu, ${api.obj === 'v' ? 'v->cpu_hard_affinity' : 'unit->cpu_hard_affinity'});`);
  if (cond) {
    out.l(`if ( ${api.running} )`);
    out.in();
    out.l('set_bit(_VPF_migrating, &v->pause_flags);');
    out.out();
  } else out.l('set_bit(_VPF_migrating, &v->pause_flags);');
  out.l(`${api.unlock(style, 'lock')};`);
  if (between) {
    out.l('');
    out.l('domain_update_node_affinity(v->domain);');
  }
  out.l('');
  if (recheck === 'none') {
    out.l('vcpu_sleep_nosync(v);');
    out.l('vcpu_migrate(v);');
  } else {
    out.open(recheck === 'mask' ? 'if ( v->pause_flags & VPF_migrating )' : 'if ( test_bit(_VPF_migrating, &v->pause_flags) )');
    out.l('vcpu_sleep_nosync(v);');
    out.l('vcpu_migrate(v);');
    out.close();
  }
  out.out();
  out.l('}');
};

/** XSR002: the start after the unlock. */
const bugStartUnlocked: Template = (c) => {
  const { out, rng, api } = c;
  const style = pickStyle(rng);
  out.l('/* Move the entity once the mask is set (review: start placement). */');
  out.l(`void ${c.name}(${api.param}, unsigned int cpu)`);
  out.l('{');
  out.in();
  if (style === 'irqsave') out.l('unsigned long flags;');
  out.l(`spinlock_t *lock = ${api.lock(style)};`);
  out.l('');
  out.l(`cpumask_set_cpu(cpu, ${api.obj === 'v' ? 'v->cpu_hard_affinity' : 'unit->cpu_hard_affinity'});`);
  out.l(`${api.unlock(style, 'lock')};`);
  out.l('');
  out.l(`${api.start};`);
  out.l(`${api.finish};`);
  out.out();
  out.l('}');
};

/** XSR003: the finish with a pCPU scheduler lock still held. */
const bugFinishLocked: Template = (c) => {
  const { out, rng, api } = c;
  const style = pickStyle(rng);
  out.l('/* Move the entity off cpu (review: finish placement). */');
  out.l(`void ${c.name}(${api.param}, unsigned int cpu)`);
  out.l('{');
  out.in();
  if (style === 'irqsave') out.l('unsigned long flags;');
  out.l('spinlock_t *lock, *cpu_lock;');
  out.l('');
  out.l(`lock = ${api.lock(style)};`);
  out.l(`${api.start};`);
  out.l(`${api.unlock(style, 'lock')};`);
  out.l('');
  out.l('cpu_lock = pcpu_schedule_lock_irq(cpu);');
  out.l(`${api.finish};`);
  out.l('pcpu_schedule_unlock_irq(cpu_lock, cpu);');
  out.out();
  out.l('}');
};

/** XSR006: processor/res written after the unlock. */
const bugProcessorUnlocked: Template = (c) => {
  const { out, rng, api } = c;
  const style = pickStyle(rng);
  out.l('/* Record the new home pCPU (review: write placement). */');
  out.l(`void ${c.name}(${api.param}, unsigned int cpu)`);
  out.l('{');
  out.in();
  if (style === 'irqsave') out.l('unsigned long flags;');
  out.l(`spinlock_t *lock = ${api.lock(style)};`);
  out.l('');
  work(c, 1);
  out.l(`${api.unlock(style, 'lock')};`);
  out.l('');
  out.l(api.placeOn('cpu'));
  out.out();
  out.l('}');
};

export const BUGS: Record<BugCode, Template> = {
  XSR001: bugOldSequence,
  XSR002: bugStartUnlocked,
  XSR003: bugFinishLocked,
  XSR006: bugProcessorUnlocked,
  XSR007: bugImbalance,
};
