/*
 * Peer model of the Xen vCPU migration protocol, for cross-checking the
 * TypeScript simulator (sim/) with Spin. Same abstraction as sim/: one vCPU v,
 * three pCPUs (0=A, 1=B, 2=C), Credit1 semantics, one scheduler process per
 * pCPU doing one round (deschedule, context_saved, pick), initiators X and Y.
 * Critical sections the simulator runs as one step are `atomic` here too.
 * The including file defines CONTEXT_SAVED_NEW (or not), the initiator and init.
 */
#define NP 3
#define FREE 255

byte proc = 0;     /* v->processor */
bool flag = 0;     /* _VPF_migrating */
bool running = 1;  /* v->is_running */
byte curon = 0;       /* pCPU v is current on (curr_on_cpu), FREE if none */
byte qmask = 0;    /* bit c set: v is on pCPU c's runqueue */
byte lk[NP];       /* scheduler lock owner (_pid) or FREE */

/* INV1-3, judged where nobody holds the lock of v->processor */
#define JUDGED (lk[proc] == FREE)
#define INV1 (qmask == 0 || qmask == (1 << proc))
#define INV2 (qmask == 0 || curon == FREE)
#define INV3 (qmask == 0 || !flag || running)
#define LOST (curon == FREE && qmask == 0 && (!flag || !running))

/* Credit1 sleep hook (lock held): off the runqueue unless running there */
inline sleep_locked() {
  if
  :: flag && curon != proc && qmask != 0 -> qmask = 0
  :: else -> skip
  fi
}

/* vcpu_wake body (lock held): runnable, not running, not queued: enqueue curon v->processor */
inline wake_locked() {
  if
  :: !flag && curon != proc && qmask == 0 -> qmask = (1 << proc)
  :: else -> skip
  fi
}

/* vcpu_schedule_lock: read v->processor, lock it, re-check, retry if v moved */
inline lock_v(held) {
  do
  :: held = proc;
     atomic { lk[held] == FREE -> lk[held] = _pid };
     if
     :: proc == held -> break
     :: else -> lk[held] = FREE
     fi
  od
}

/* Pre-2018 vcpu_migrate (fin = 0) or vcpu_migrate_finish (fin = 1). */
inline migrate(fin, old, nc, lo, hi, res) {
  do
  :: atomic {
       if
       :: fin && (running || !flag) -> res = 1
       :: else -> res = 0; old = proc
       fi
     };
     if
     :: res == 1 -> break
     :: else -> skip
     fi;
     if   /* pick_cpu: any other pCPU */
     :: old != 0 -> nc = 0
     :: old != 1 -> nc = 1
     :: old != 2 -> nc = 2
     fi;
     if
     :: old < nc -> lo = old; hi = nc
     :: else -> lo = nc; hi = old
     fi;
     atomic { lk[lo] == FREE -> lk[lo] = _pid };
     atomic {
       lk[hi] == FREE -> lk[hi] = _pid;
       if
       :: proc != old -> res = 0           /* moved: retry */
       :: proc == old && (running || !flag) -> res = 1
       :: proc == old && !running && flag -> flag = 0; proc = nc; res = 2
       fi;
       lk[lo] = FREE; lk[hi] = FREE
     };
     if
     :: res == 0 -> skip
     :: res == 1 -> break
     :: res == 2 -> atomic { lk[proc] == FREE -> wake_locked() }; break
     fi
  od
}

proctype scheduler(byte c) {
  byte old, nc, lo, hi, res;
  bool had = 0;
  if
  :: curon == c ->   /* schedule(): deschedule v, requeue it if runnable */
     atomic { lk[c] == FREE -> curon = FREE; if :: !flag -> qmask = qmask | (1 << c) :: else -> skip fi };
     had = 1
  :: else -> skip
  fi;
  if
  :: had ->
     running = 0;   /* context_saved */
#ifdef CONTEXT_SAVED_NEW
     migrate(1, old, nc, lo, hi, res)
#else
     if
     :: flag -> migrate(0, old, nc, lo, hi, res)
     :: else -> skip
     fi
#endif
  :: else -> skip
  fi;
  /* schedule(): pick v if it is curon this runqueue */
  atomic {
    lk[c] == FREE ->
    if
    :: qmask & (1 << c) -> qmask = qmask & ~(1 << c); assert(!running && curon == FREE); running = 1; curon = c
    :: else -> skip
    fi
  }
}

active proctype monitor() {
end: atomic { JUDGED && !(INV1 && INV2 && INV3) -> assert(false) }
}
