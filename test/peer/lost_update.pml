/* Lost update: two threads do `prv->credit += 1` (a load, then a store).
 * X holds prv->lock; Y takes it only when LOCKED_Y is defined.
 * Expected: a race (assertion violated) without it, no errors with it. */
#include "general_common.pml"

byte credit;   /* 0..3, every initial value tried; arithmetic wraps like the simulator's */

proctype X() {
  byte c;
  lock();
rd: c = credit;
wr: credit = (c + 1) % 4;
  unlock()
}

proctype Y() {
  byte c;
#ifdef LOCKED_Y
  lock();
#endif
rd: c = credit;
wr: credit = (c + 1) % 4;
#ifdef LOCKED_Y
  unlock()
#endif
}

active proctype monitor() {
  /* A race: one thread about to store, the other about to load or store. */
end:
  atomic { ((X@wr && (Y@rd || Y@wr)) || (Y@wr && (X@rd || X@wr))) -> assert(false) }
}

init {
  if
  :: credit = 0
  :: credit = 1
  :: credit = 2
  :: credit = 3
  fi;
  atomic { run X(); run Y() }
}
