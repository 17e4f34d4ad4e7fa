#!/bin/sh
# Installs (as root on Debian) or names (otherwise) the Debian packages Warden needs.
#   install-deps.sh [--check-or-install]   what `make`, `make test` and `make bench` need
#   install-deps.sh --all                  that plus the tools of `make lint` / `make fuzz`
# Quiet when nothing is missing, so every `make` can call it.
set -e
# build: gcc make pkg-config libssl-dev libjemalloc-dev
# tests: python3 python3-pytest python3-pytest-timeout python3-redis redis-tools (redis-cli)
#        python3-pymemcache libmemcached-tools (memccp, memccat, memcslap, memccapable)
#        memcached (the reference the memcache tests compare against)
# bench: redis-tools (redis-benchmark), redis-server (the comparison), procps (pgrep),
#        iproute2 (ss), memcached + libmemcached-tools (bench/memcache-bench.sh)
PKGS="gcc make pkg-config libssl-dev libjemalloc-dev python3 python3-pytest python3-pytest-timeout
python3-redis redis-tools redis-server procps iproute2 python3-pymemcache libmemcached-tools memcached"
EXTRA="clang cppcheck"
[ "${1:-}" = "--all" ] && PKGS="$PKGS $EXTRA"

if ! command -v dpkg-query >/dev/null 2>&1; then
  # Not Debian: check the commands only, and let the build report anything else.
  for c in cc make python3 redis-cli; do
    command -v "$c" >/dev/null 2>&1 || { echo "missing command: $c (see scripts/install-deps.sh for the list)" >&2; exit 1; }
  done
  exit 0
fi

missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing missing packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine may have no package lists yet; an install that fails with stale
  # lists is retried once after an update.
  if ! apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
  # Debian's redis-server and memcached packages start system instances (6379, 11211)
  # where an init system runs; stop them (tests and benches use their own ports).
  for svc in redis-server memcached; do
    case "$missing" in
      *"$svc"*)
        if command -v service >/dev/null 2>&1; then service "$svc" stop >/dev/null 2>&1 || true; fi
        if command -v systemctl >/dev/null 2>&1; then systemctl disable --now "$svc" >/dev/null 2>&1 || true; fi
        ;;
    esac
  done
  exit 0
fi
echo "missing Debian packages:$missing" >&2
echo "install them with: sudo apt-get install$missing" >&2
exit 1
