/* build_info.h — what the binary knows about how it was built. */
#ifndef WARDEN_BUILD_INFO_H
#define WARDEN_BUILD_INFO_H
/* The build manifest, several lines ending with '\n' (static storage). */
const char *build_info_manifest(void);
#endif
