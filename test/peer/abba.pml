/* Two threads taking prv->lock and rqd->lock: in opposite orders (a
 * deadlock: Spin reports an invalid end state), or, with SAME_ORDER, in the
 * same order (no errors). */
#define FREE 255
byte prv = FREE, rqd = FREE;

inline take(l) { atomic { l == FREE -> l = _pid } }
inline drop(l) { l = FREE }

proctype X() {
  take(prv); take(rqd);
  drop(rqd); drop(prv)
}

proctype Y() {
#ifdef SAME_ORDER
  take(prv); take(rqd);
  drop(rqd); drop(prv)
#else
  take(rqd); take(prv);
  drop(prv); drop(rqd)
#endif
}

init { atomic { run X(); run Y() } }
