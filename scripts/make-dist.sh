#!/bin/sh
# Builds a release in OUTDIR (docs/releasing.md):
#   warden-<version>.tar.gz   the source of the committed tree (HEAD) plus DEPENDENCIES.txt
#   DEPENDENCIES.txt          the build manifest (scripts/deps-manifest.sh) of this machine
#   SHA256SUMS                sha256sum of the two files above
#   SHA256SUMS.sig            Ed25519 signature of SHA256SUMS (openssl pkeyutl -rawin)
# usage: make-dist.sh OUTDIR KEY.pem     (KEY: the releaser's Ed25519 private key, PEM;
#        a passphrase-protected key reads its passphrase from $RELEASE_KEY_PASS)
#        make-dist.sh OUTDIR --unsigned  (a rehearsal: no SHA256SUMS.sig)
# The tarball is reproducible: same commit and manifest, same bytes (sorted names,
# the commit's time on every file, no owners, gzip without a timestamp).
set -eu
[ $# -eq 2 ] || { echo "usage: $0 OUTDIR KEY.pem | $0 OUTDIR --unsigned" >&2; exit 2; }
out=$1 key=$2
root=$(cd "$(dirname "$0")/.." && pwd)
case "$out" in /*) ;; *) out=$(pwd)/$out ;; esac
if [ "$key" != --unsigned ]; then
  case "$key" in /*) ;; *) key=$(pwd)/$key ;; esac
  [ -r "$key" ] || { echo "cannot read the signing key $key" >&2; exit 2; }
fi
cd "$root"
git rev-parse --verify HEAD >/dev/null 2>&1 || { echo "not a git checkout: a release is made from a commit" >&2; exit 2; }
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "warning: uncommitted changes are NOT in the release (it is made from HEAD)" >&2
fi
version=$(sed -n 's/^#define WARDEN_VERSION "\(.*\)"/\1/p' src/version.h)
name=warden-$version
mkdir -p "$out"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT INT TERM

git archive --format=tar --prefix="$name/" HEAD | tar -x -C "$stage"
scripts/deps-manifest.sh "${CC:-cc}" | sed "s/-modified\$//" > "$out/DEPENDENCIES.txt"
cp "$out/DEPENDENCIES.txt" "$stage/$name/DEPENDENCIES.txt"
mtime=$(git log -1 --format=%ct HEAD)
(cd "$stage" && tar --sort=name --mtime="@$mtime" --owner=0 --group=0 --numeric-owner --format=gnu -cf - "$name") \
  | gzip -n -9 > "$out/$name.tar.gz"
(cd "$out" && sha256sum "$name.tar.gz" DEPENDENCIES.txt > SHA256SUMS)
rm -f "$out/SHA256SUMS.sig"
if [ "$key" = --unsigned ]; then
  echo "unsigned release in $out (a rehearsal: sign with a key for a real one)" >&2
else
  pass=""
  [ -n "${RELEASE_KEY_PASS:-}" ] && pass="-passin env:RELEASE_KEY_PASS"
  # shellcheck disable=SC2086 # $pass is empty or two words
  openssl pkeyutl -sign -inkey "$key" $pass -rawin -in "$out/SHA256SUMS" -out "$out/SHA256SUMS.sig"
  # shellcheck disable=SC2086
  fp=$(openssl pkey -in "$key" $pass -pubout -outform DER | sha256sum | cut -c1-64)
  echo "signed with the Ed25519 key whose public-key SHA-256 is $fp" >&2
fi
ls -l "$out"
