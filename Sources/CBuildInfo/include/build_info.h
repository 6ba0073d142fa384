// What joorbridge was built from. The value is compiled in by Package.swift from the
// JOORBRIDGE_COMMIT environment variable of the build (scripts/package.sh and CI set it);
// C, because a Swift compilation condition cannot carry a value.
#ifndef JOORBRIDGE_BUILD_INFO_H
#define JOORBRIDGE_BUILD_INFO_H

/// The git commit the binary was built from (e.g. "b3d4c74"), or "unknown commit".
const char *joorbridge_build_commit(void);

#endif
