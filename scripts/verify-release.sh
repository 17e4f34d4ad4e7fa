#!/bin/sh
# Verifies a downloaded Warden release (docs/releasing.md): the Ed25519 signature of
# SHA256SUMS against the project's public key, then every file's SHA-256.
#   verify-release.sh DIR PUBKEY.pem
# DIR holds SHA256SUMS, SHA256SUMS.sig and the files they list; PUBKEY is the release
# public key obtained from a trusted place (not from the same download). Exit status 0
# only when the signature and all checksums are good.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 DIR PUBKEY.pem" >&2; exit 2; }
dir=$1 pub=$2
for f in SHA256SUMS SHA256SUMS.sig; do
  [ -f "$dir/$f" ] || { echo "FAIL: $dir/$f is missing" >&2; exit 1; }
done
if ! openssl pkey -pubin -in "$pub" -noout -text 2>/dev/null | grep -q 'ED25519'; then
  echo "FAIL: $pub is not an Ed25519 public key" >&2
  exit 1
fi
if ! openssl pkeyutl -verify -pubin -inkey "$pub" -rawin -in "$dir/SHA256SUMS" -sigfile "$dir/SHA256SUMS.sig" >/dev/null 2>&1; then
  echo "FAIL: bad signature on SHA256SUMS (tampered, or not signed with this key)" >&2
  exit 1
fi
# every listed file must be there and match; names must be plain (no paths)
if awk '{ if ($2 ~ /\// || $2 ~ /^\.\.?$/) bad = 1 } END { exit !bad }' "$dir/SHA256SUMS"; then
  echo "FAIL: SHA256SUMS names a path outside the release folder" >&2
  exit 1
fi
if ! (cd "$dir" && sha256sum --strict --quiet -c SHA256SUMS); then
  echo "FAIL: a file does not match SHA256SUMS" >&2
  exit 1
fi
echo "OK: signature good, $(wc -l < "$dir/SHA256SUMS") file(s) verified"
