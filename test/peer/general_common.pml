/*
 * Peer models of general (non-migration) simulator models, for cross-checking
 * the TypeScript simulator (sim/) with Spin. Same abstraction as sim/: a load
 * and a store are separate steps; a lock is taken when free. A data race is
 * two threads at accesses of one location at the same time, one of them a
 * store (the simulator's RACE): a monitor asserts it never happens.
 */
#define FREE 255
byte lk = FREE;   /* prv->lock: owner _pid or FREE */

inline lock() { atomic { lk == FREE -> lk = _pid } }
inline unlock() { lk = FREE }
