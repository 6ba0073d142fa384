#include "build_info.h"

#ifndef JOORBRIDGE_COMMIT
#define JOORBRIDGE_COMMIT "unknown commit"
#endif

const char *joorbridge_build_commit(void) { return JOORBRIDGE_COMMIT; }
