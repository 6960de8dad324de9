#include "lg_test.h"

void lg_suite_compare(void) {}
