// libcsv (Debian: libcsv-dev). It ships no pkg-config file, so the header is found
// on the default include path and the library is linked by name (see module.modulemap).
#include <csv.h>
