/*
 * sched_example.c - the example bundled with Xen Scheduler Review.
 *
 * This is an original example written for this project in the style of
 * Xen's generic scheduler code (around Xen 4.11).  It is NOT Xen code:
 * no function here is copied from Xen, and it is not meant to compile.
 * The names of helpers, macros and fields follow Xen's so that the
 * checker sees the idioms it meets in the real tree.
 *
 * Try it:
 *     xsr check examples/sched_example.c
 *     xsr locks examples/sched_example.c
 *     xsr simulate examples/sched_example.c --function vcpu_set_affinity
 *
 * What the checker should report (everything else is deliberately clean):
 *   - vcpu_set_affinity():   XSR001, the pre-2018 migration sequence;
 *   - context_saved():       XSR008, the old vcpu_migrate() behind a flag test;
 *   - sched_set_vcpu_cap():  XSR007, an error path returns holding the lock.
 */

#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/sched-if.h>
#include <xen/softirq.h>

/* The second half of the 2018 protocol lives elsewhere in this tree. */
void vcpu_migrate_finish(struct vcpu *v);

/* Take v off its runqueue (or kick it off its pCPU) if it cannot run. */
static void vcpu_sleep_nosync_locked(struct vcpu *v)
{
    ASSERT(spin_is_locked(per_cpu(schedule_data, v->processor).schedule_lock));

    if ( vcpu_runnable(v) )
        return;                 /* still wanted on a pCPU: nothing to do */

    if ( v->runstate.state == RUNSTATE_runnable )
        sched_note_offline(v, NOW());

    SCHED_OP(vcpu_scheduler(v), sleep, v);
}

void vcpu_sleep_nosync(struct vcpu *v)
{
    unsigned long flags;
    spinlock_t *lock = vcpu_schedule_lock_irqsave(v, &flags);

    vcpu_sleep_nosync_locked(v);

    vcpu_schedule_unlock_irqrestore(lock, flags, v);
}

void vcpu_wake(struct vcpu *v)
{
    unsigned long flags;
    spinlock_t *lock;

    lock = vcpu_schedule_lock_irqsave(v, &flags);

    if ( likely(vcpu_runnable(v)) )
    {
        if ( v->runstate.state >= RUNSTATE_blocked )
            vcpu_runstate_change(v, RUNSTATE_runnable, NOW());
        SCHED_OP(vcpu_scheduler(v), wake, v);
    }

    vcpu_schedule_unlock_irqrestore(lock, flags, v);
}

/*
 * First half of a migration: mark v and take it off its runqueue in the
 * same critical section.  The caller holds v's scheduler lock.
 */
void vcpu_migrate_start(struct vcpu *v)
{
    set_bit(_VPF_migrating, &v->pause_flags);
    vcpu_sleep_nosync_locked(v);
}

/* Both the old and the new pCPU's scheduler locks are held. */
static void vcpu_move_locked(struct vcpu *v, unsigned int new_cpu)
{
    ASSERT(spin_is_locked(per_cpu(schedule_data, new_cpu).schedule_lock));

    if ( vcpu_scheduler(v)->migrate )
        SCHED_OP(vcpu_scheduler(v), migrate, v, new_cpu);
    else
        v->processor = new_cpu;
}

/*
 * The old API: move a vCPU whose _VPF_migrating flag is set.  It needs
 * the locks of both the pCPU v is on and the pCPU it goes to, and the
 * pointers to those locks may change while we wait for them, so it
 * loops until what it holds is still what it wanted.
 */
static void vcpu_migrate(struct vcpu *v)
{
    unsigned long irq;
    unsigned int old_cpu, new_cpu;
    spinlock_t *old_lock, *new_lock;
    bool pick_done = false;

    old_cpu = new_cpu = v->processor;

    for ( ; ; )
    {
        old_lock = per_cpu(schedule_data, old_cpu).schedule_lock;
        new_lock = per_cpu(schedule_data, new_cpu).schedule_lock;

        sched_spin_lock_double(old_lock, new_lock, &irq);

        old_cpu = v->processor;
        if ( old_lock != per_cpu(schedule_data, old_cpu).schedule_lock )
        {
            /* v moved under our feet: we hold the wrong lock, retry. */
            pick_done = false;
            sched_spin_unlock_double(old_lock, new_lock, irq);
            continue;
        }

        if ( pick_done &&
             sched_lock_of(new_cpu) == new_lock &&
             cpumask_test_cpu(new_cpu, v->cpu_hard_affinity) )
            break;

        new_cpu = sched_choose_pcpu(v);
        if ( sched_lock_of(new_cpu) == new_lock &&
             cpumask_test_cpu(new_cpu, v->domain->cpupool->cpu_valid) )
            break;

        pick_done = true;
        sched_spin_unlock_double(old_lock, new_lock, irq);
    }

    /* Someone else did the job, or v is back on a pCPU: nothing to do. */
    if ( v->is_running ||
         !test_and_clear_bit(_VPF_migrating, &v->pause_flags) )
    {
        sched_spin_unlock_double(old_lock, new_lock, irq);
        return;
    }

    vcpu_move_locked(v, new_cpu);

    sched_spin_unlock_double(old_lock, new_lock, irq);

    if ( old_cpu != new_cpu )
        sched_move_irqs(v);

    vcpu_wake(v);
}

/*
 * An initiator still written with the pre-2018 sequence: the flag is set
 * under the lock, the lock is dropped, and the sleep and the move follow
 * later.  Between the unlock and vcpu_sleep_nosync() another pCPU can
 * move v while it still sits on its old runqueue.  (XSR001)
 */
static int vcpu_set_affinity(struct vcpu *v, const cpumask_t *affinity,
                             bool hard)
{
    struct domain *d = v->domain;
    spinlock_t *lock;
    int rc = 0;

    lock = vcpu_schedule_lock_irq(v);

    if ( v->affinity_broken )
        rc = -EBUSY;
    else
    {
        if ( hard )
            cpumask_copy(v->cpu_hard_affinity, affinity);
        else
            cpumask_copy(v->cpu_soft_affinity, affinity);

        set_bit(_VPF_migrating, &v->pause_flags);
    }

    vcpu_schedule_unlock_irq(lock, v);

    domain_update_node_affinity(d);

    if ( v->pause_flags & VPF_migrating )
    {
        vcpu_sleep_nosync(v);
        vcpu_migrate(v);
    }

    return rc;
}

/* The same job done the 2018 way: start under the lock, finish after it. */
int vcpu_pin_override(struct vcpu *v, int cpu)
{
    spinlock_t *lock;
    int ret = -EINVAL;

    lock = vcpu_schedule_lock_irq(v);

    if ( cpu < 0 )
    {
        if ( v->affinity_broken )
        {
            cpumask_copy(v->cpu_hard_affinity, v->cpu_hard_affinity_saved);
            v->affinity_broken = 0;
            ret = 0;
        }
    }
    else if ( cpu < nr_cpu_ids && cpumask_test_cpu(cpu, VCPU2ONLINE(v)) )
    {
        if ( !v->affinity_broken )
        {
            cpumask_copy(v->cpu_hard_affinity_saved, v->cpu_hard_affinity);
            v->affinity_broken = 1;
            cpumask_copy(v->cpu_hard_affinity, cpumask_of(cpu));
        }
        ret = 0;
    }

    if ( ret == 0 )
        vcpu_migrate_start(v);

    vcpu_schedule_unlock_irq(lock, v);

    vcpu_migrate_finish(v);

    return ret;
}

/*
 * Push every vCPU of every domain in pool c off a pCPU that is going
 * away.  Correct: irqsave helpers inside the loops, start under the lock,
 * finish once it is dropped.
 */
static int sched_evacuate_cpu(struct cpupool *c, unsigned int cpu)
{
    struct domain *d;
    struct vcpu *v;
    unsigned long flags;
    int moved = 0;

    for_each_domain_in_cpupool ( d, c )
    {
        for_each_vcpu ( d, v )
        {
            spinlock_t *lock = vcpu_schedule_lock_irqsave(v, &flags);

            if ( v->processor != cpu )
            {
                vcpu_schedule_unlock_irqrestore(lock, flags, v);
                continue;
            }

            vcpu_migrate_start(v);
            vcpu_schedule_unlock_irqrestore(lock, flags, v);

            vcpu_migrate_finish(v);
            moved++;
        }
    }

    return moved;
}

/* Called once prev is off its pCPU: finish a migration it had pending. */
void context_saved(struct vcpu *prev)
{
    /* Make sure the state saved above is visible before is_running drops. */
    smp_wmb();

    prev->is_running = 0;

    SCHED_OP(vcpu_scheduler(prev), context_saved, prev);

    if ( unlikely(test_bit(_VPF_migrating, &prev->pause_flags)) )
        vcpu_migrate(prev);
}

/*
 * Ask a pCPU to reschedule if nobody is inside its scheduler right now.
 * A failed trylock is fine: whoever holds the lock reschedules anyway.
 */
static bool sched_poke_cpu(unsigned int cpu)
{
    spinlock_t *lock;
    bool poked = false;

    lock = pcpu_schedule_trylock(cpu);
    if ( lock == NULL )
        goto out;

    if ( !is_idle_vcpu(curr_on_cpu(cpu)) )
    {
        cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
        poked = true;
    }

    pcpu_schedule_unlock(lock, cpu);

 out:
    return poked;
}

/* How many of d's vCPUs could run now; no lock is needed for a snapshot. */
static unsigned int sched_count_runnable(const struct domain *d)
{
    const struct vcpu *v;
    unsigned int n = 0;

    for_each_vcpu ( d, v )
        n += vcpu_runnable(v);

    return n;
}

/* Kick every running vCPU of d so that new parameters take effect. */
static void sched_kick_domain(struct domain *d)
{
    struct vcpu *v;

    for_each_vcpu ( d, v )
    {
        unsigned long flags;
        spinlock_t *lock = vcpu_schedule_lock_irqsave(v, &flags);

        if ( !v->is_running )
        {
            vcpu_schedule_unlock_irqrestore(lock, flags, v);
            continue;
        }

        cpu_raise_softirq(v->processor, SCHEDULE_SOFTIRQ);
        vcpu_schedule_unlock_irqrestore(lock, flags, v);
    }
}

/*
 * Set a per-vCPU cap.  The -EINVAL path below returns with v's
 * scheduler lock still held and interrupts off: a real lock imbalance,
 * the kind of bug an error path added late in review tends to have.
 * (XSR007)
 */
int sched_set_vcpu_cap(struct vcpu *v, unsigned int cap)
{
    spinlock_t *lock;
    int rc = 0;

    lock = vcpu_schedule_lock_irq(v);

    if ( cap > 100 * nr_cpu_ids )
        return -EINVAL;

    switch ( vcpu_scheduler(v)->sched_id )
    {
    case XEN_SCHEDULER_CREDIT:
        /* Credit1 keeps caps in percent of one pCPU, like Credit2. */
    case XEN_SCHEDULER_CREDIT2:
        rc = SCHED_OP(vcpu_scheduler(v), adjust_cap, v, cap);
        break;
    default:
        rc = -EOPNOTSUPP;
        break;
    }

    vcpu_schedule_unlock_irq(lock, v);

    if ( rc == 0 )
        sched_kick_domain(v->domain);

    return rc;
}

/* Fold one vCPU's new weight into the totals; ops->lock is held. */
static void sched_update_weight_locked(struct scheduler *ops, struct vcpu *v,
                                       unsigned int weight)
{
    ASSERT(spin_is_locked(&ops->lock));

    ops->total_weight -= v->sched_weight;
    v->sched_weight = weight;
    ops->total_weight += weight;
}

/* Update a domain's weight; ops->lock guards the scheduler's totals. */
static void sched_update_weight(struct scheduler *ops, struct domain *d,
                                unsigned int weight)
{
    struct vcpu *v;

    BUG_ON(weight == 0);

    spin_lock_irq(&ops->lock);
    for_each_vcpu ( d, v )
        sched_update_weight_locked(ops, v, weight);
    spin_unlock_irq(&ops->lock);

    do {
        if ( sched_count_runnable(d) == 0 )
            break;
        sched_kick_domain(d);
    } while ( 0 );
}
