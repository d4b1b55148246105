/* The 2018 fix: lock; vcpu_migrate_start; unlock; vcpu_migrate_finish. Expected: no errors. */
#define CONTEXT_SAVED_NEW
#include "common.pml"

proctype initiator() {
  byte held, old, nc, lo, hi, res;
  lock_v(held);
  atomic { flag = 1; sleep_locked() };
  lk[held] = FREE;
  migrate(1, old, nc, lo, hi, res)
}

init {
  lk[0] = FREE; lk[1] = FREE; lk[2] = FREE;
  atomic {
    run initiator(); run initiator();
    run scheduler(0); run scheduler(1); run scheduler(2)
  }
  (_nr_pr == 2) -> assert(!LOST)   /* INV4 once all others are done */
}
