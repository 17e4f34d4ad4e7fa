#!/bin/sh
# Installs (as root on Debian) or names (otherwise) the Debian packages Warden needs
# to build and test. Usage: install-deps.sh [--check-or-install]
set -e
PKGS="gcc make pkg-config libssl-dev libjemalloc-dev python3 python3-pytest python3-redis redis-tools redis-server"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing missing packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
  # Debian's redis-server package may start a system instance on 6379; Warden's tests
  # use their own ports, but `make run` wants 6379 free.
  if command -v service >/dev/null 2>&1; then service redis-server stop >/dev/null 2>&1 || true; fi
  exit 0
fi
echo "missing Debian packages:$missing" >&2
echo "install them with: sudo apt-get install$missing" >&2
exit 1
