/* build_info.c — the build manifest compiled into the binary (`warden --version
 * --verbose`): version, commit, compiler and the Debian packages the build used. The
 * Makefile generates build/gen/build_info.h from scripts/deps-manifest.sh; a build
 * without it (a compiler run by hand, the linters) gets a placeholder. */
#include "build_info.h"

#if defined(__has_include)
#if __has_include(<build_info_gen.h>)
#include <build_info_gen.h>
#endif
#endif
#ifndef WARDEN_BUILD_MANIFEST
#define WARDEN_BUILD_MANIFEST "(no build manifest: built without the Makefile)\n"
#endif

const char *build_info_manifest(void) { return WARDEN_BUILD_MANIFEST; }
