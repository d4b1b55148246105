/* The ABBA model with both threads taking the locks in one order. Expected: no errors. */
#define SAME_ORDER
#include "abba.pml"
