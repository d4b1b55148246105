/* The pre-2018 protocol: lock; set _VPF_migrating; unlock; if (flag) { vcpu_sleep_nosync; vcpu_migrate }. Expected: assertion violated. */
#include "common.pml"

proctype initiator() {
  byte held, old, nc, lo, hi, res;
  lock_v(held);
  flag = 1;
  lk[held] = FREE;
  if
  :: flag ->
     atomic { lk[proc] == FREE -> sleep_locked() };
     migrate(0, old, nc, lo, hi, res)
  :: else -> skip
  fi
}

init {
  lk[0] = FREE; lk[1] = FREE; lk[2] = FREE;
  atomic {
    run initiator(); run initiator();
    run scheduler(0); run scheduler(1); run scheduler(2)
  }
  (_nr_pr == 2) -> assert(!LOST)   /* INV4 once all others are done */
}
