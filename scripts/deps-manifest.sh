#!/bin/sh
# Prints the build manifest: Warden's version and commit, the compiler, and the Debian
# packages (name, version, architecture, from dpkg-query) that a build uses — the
# toolchain, the libraries linked and their headers. It goes into release tarballs
# (DEPENDENCIES.txt, scripts/make-dist.sh) and into the binary (`warden --version
# --verbose`, through build/gen/build_info.h).
#   deps-manifest.sh [CC]
set -eu
cd "$(dirname "$0")/.."
cc=${1:-cc}
version=$(sed -n 's/^#define WARDEN_VERSION "\(.*\)"/\1/p' src/version.h)
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit-modified"
fi
echo "Warden $version build manifest"
echo "commit: $commit"
echo "compiler: $($cc --version 2>/dev/null | head -1 || echo "$cc (unknown)")"
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "packages: (not a Debian system)"
  exit 0
fi
# the package that owns the compiler binary itself (gcc-12, clang-14...)
ccpath=$(command -v "$cc" 2>/dev/null || true)
ccpkg=""
if [ -n "$ccpath" ]; then
  ccpkg=$(dpkg -S "$(readlink -f "$ccpath")" 2>/dev/null | head -1 | cut -d: -f1 || true)
fi
echo "packages:"
for p in $ccpkg make binutils libc6 libc6-dev linux-libc-dev libssl3 libssl-dev libjemalloc2 libjemalloc-dev pkg-config; do
  dpkg-query -W -f='  ${Package} ${Version} ${Architecture}\n' "$p" 2>/dev/null | head -1 || true
done
