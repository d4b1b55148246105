/* The lost-update model with both threads under prv->lock. Expected: no errors. */
#define LOCKED_Y
#include "lost_update.pml"
