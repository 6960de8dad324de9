#include "lg_test.h"

void lg_suite_regs(void) {}
