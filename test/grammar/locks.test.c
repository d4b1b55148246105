// SYNTAX TEST "source.c" "lock helpers and the migration protocol"

static void old_initiator(struct vcpu *v)
{
    spinlock_t *lock = vcpu_schedule_lock_irq(v);
//                     ^^^^^^^^^^^^^^^^^^^^^^ support.function.lock.acquire.xsr
    set_bit(_VPF_migrating, &v->pause_flags);
//  ^^^^^^^ support.function.migrate.flag.xsr
//          ^^^^^^^^^^^^^^ constant.other.flag.migrating.xsr
    vcpu_schedule_unlock_irq(lock, v);
//  ^^^^^^^^^^^^^^^^^^^^^^^^ support.function.lock.release.xsr
    if ( v->pause_flags & VPF_migrating )
//                        ^^^^^^^^^^^^^ constant.other.flag.migrating.xsr
    {
        vcpu_sleep_nosync(v);
//      ^^^^^^^^^^^^^^^^^ entity.name.function.c
//      ^^^^^^^^^^^^^^^^^ - support.function.lock.acquire.xsr
        vcpu_migrate(v);
//      ^^^^^^^^^^^^ support.function.migrate.legacy.xsr
    }
}

static void new_initiator(struct vcpu *v, unsigned long flags)
{
    spinlock_t *lock = vcpu_schedule_lock_irqsave(v, &flags);
//                     ^^^^^^^^^^^^^^^^^^^^^^^^^^ support.function.lock.acquire.xsr
    vcpu_migrate_start(v);
//  ^^^^^^^^^^^^^^^^^^ support.function.migrate.start.xsr
    vcpu_schedule_unlock_irqrestore(lock, flags, v);
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ support.function.lock.release.xsr
    vcpu_migrate_finish(v);
//  ^^^^^^^^^^^^^^^^^^^ support.function.migrate.finish.xsr
    sched_unit_migrate_start(unit);
//  ^^^^^^^^^^^^^^^^^^^^^^^^ support.function.migrate.start.xsr
    sched_unit_migrate_finish(unit);
//  ^^^^^^^^^^^^^^^^^^^^^^^^^ support.function.migrate.finish.xsr
}

static void other_locks(struct csched2_private *prv, unsigned int cpu)
{
    pcpu_schedule_lock(cpu);
//  ^^^^^^^^^^^^^^^^^^ support.function.lock.acquire.xsr
    unit_schedule_lock_irq(unit);
//  ^^^^^^^^^^^^^^^^^^^^^^ support.function.lock.acquire.xsr
    spin_lock_irqsave(&prv->lock, flags);
//  ^^^^^^^^^^^^^^^^^ support.function.lock.acquire.xsr
    spin_unlock_irqrestore(&prv->lock, flags);
//  ^^^^^^^^^^^^^^^^^^^^^^ support.function.lock.release.xsr
    read_lock(&prv->rwlock);
//  ^^^^^^^^^ support.function.lock.acquire.xsr
    write_unlock(&prv->rwlock);
//  ^^^^^^^^^^^^ support.function.lock.release.xsr
    rcu_read_lock(&domlist_read_lock);
//  ^^^^^^^^^^^^^ support.function.lock.acquire.xsr
    rcu_read_unlock(&domlist_read_lock);
//  ^^^^^^^^^^^^^^^ support.function.lock.release.xsr
    spin_lock_init(&prv->lock);
//  ^^^^^^^^^^^^^^ entity.name.function.c
//  ^^^^^^^^^^^^^^ - support.function.lock.acquire.xsr
    my_spin_lock(x);
//  ^^^^^^^^^^^^ - support.function.lock.acquire.xsr
    pcpu_schedule_lock_ptr = 0;
//  ^^^^^^^^^^^^^^^^^^^^^^ - support.function.lock.acquire.xsr
}

/* spin_lock(&x) in a comment is not a call */
// <- comment.block.c
// ^^^^^^^^^ - support.function.lock.acquire.xsr
const char *s = "vcpu_migrate(v)";
//               ^^^^^^^^^^^^ - support.function.migrate.legacy.xsr
