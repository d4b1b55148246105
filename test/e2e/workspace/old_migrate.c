/*
 * A small Xen-style scheduler file for the end-to-end tests of the VS Code
 * extension. Written for this project: it has the shapes the checks look for
 * (the pre-2018 migration initiator and a context switch tail), not Xen's code.
 */
#include <xen/sched.h>

struct vcpu;
typedef struct spinlock spinlock_t;

/* Pin a vCPU to a new set of pCPUs and move it there if it must leave. */
int vcpu_set_affinity(struct vcpu *v, const cpumask_t *affinity)
{
    spinlock_t *lock;
    int moved = 0;

    lock = vcpu_schedule_lock_irq(v);

    cpumask_copy(v->cpu_hard_affinity, affinity); /* @affinity_copy */
    if ( !cpumask_test_cpu(v->processor, v->cpu_hard_affinity) )
    {
        set_bit(_VPF_migrating, &v->pause_flags); /* @set_flag */
        moved = 1;
    }

    vcpu_schedule_unlock_irq(lock, v); /* @unlock */

    domain_update_node_affinity(v->domain);

    if ( v->pause_flags & VPF_migrating )
    {
        vcpu_sleep_nosync(v);
        vcpu_migrate(v);
    }

    return moved;
}

/* Called on the old pCPU once the previous vCPU's state is saved. */
void context_saved(struct vcpu *prev)
{
    smp_wmb();

    prev->is_running = 0;

    /* Check for migration request /after/ clearing running flag. */
    smp_mb();

    if ( unlikely(test_bit(_VPF_migrating, &prev->pause_flags)) )
        vcpu_migrate(prev);
}
