/*
 * A second file for the end-to-end tests, in the style of today's
 * sched/core.c and credit2.c: an RCU read section around a unit's
 * scheduler lock, a private lock, and a small lock helper. Written for
 * this project (not Xen code).
 */
#include <xen/sched.h>

struct demo_private {
    spinlock_t lock;
    int credit;
};

static void demo_adjust(struct sched_unit *unit, struct demo_private *prv)
{
    spinlock_t *lock;

    rcu_read_lock(&sched_res_rculock);
    lock = unit_schedule_lock_irq(unit); /* @unit_lock */
    spin_lock(&prv->lock); /* @prv_lock */
    prv->credit++;
    spin_unlock(&prv->lock);
    unit_schedule_unlock_irq(lock, unit);
    rcu_read_unlock(&sched_res_rculock);
}

static void demo_credit_lock(struct demo_private *prv)
{
    spin_lock(&prv->lock);
}

static void demo_burn(struct demo_private *prv) /* @burn */
{
    spin_lock(&prv->lock);
    prv->credit -= 10;
    spin_unlock(&prv->lock); /* @burn_unlock */
}

static void demo_tick(struct demo_private *prv)
{
    demo_burn(prv);
    demo_credit_lock(prv);
    prv->credit++;
    spin_unlock(&prv->lock);
}
