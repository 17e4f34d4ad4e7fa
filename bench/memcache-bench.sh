#!/usr/bin/env bash
# bench/memcache-bench.sh (`make bench`, memcache section) — Warden's memcache port
# against Debian's memcached on this machine, same load, same thread count.
#
# Load: libmemcached's memaslap (Debian: memcaslap) for a fixed time per run — set only,
# get only (keys it stored first), and 90% get / 10% set — then memcslap's fixed-count
# set and get runs. Rounds alternate the order of the two servers to cancel drift.
# Reported per workload: median ops/s of each server over the rounds, Warden/memcached,
# and each server's CPU time per operation (from /proc/<pid>/stat).
#
# Env knobs: ROUNDS=3 SECS=4 CONC=32 LOAD_THREADS=1 VALUE=32 KEYLEN=16
#            THREADS=<cores> (server threads, both) SLAP_N=20000 (memcslap ops per thread)
#            SLAP_CONC=4 WARDEN_ARGS="" MEMCACHED_ARGS=""
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WARDEN="$ROOT/build/warden"
ROUNDS=${ROUNDS:-3}
SECS=${SECS:-4}
CONC=${CONC:-32}
LOAD_THREADS=${LOAD_THREADS:-1}
VALUE=${VALUE:-32}
KEYLEN=${KEYLEN:-16}
THREADS=${THREADS:-$(nproc)}
SLAP_N=${SLAP_N:-20000}
SLAP_CONC=${SLAP_CONC:-4}
WARDEN_ARGS=${WARDEN_ARGS:-}
MEMCACHED_ARGS=${MEMCACHED_ARGS:-}

[ -x "$WARDEN" ] || { echo "build Warden first: make" >&2; exit 1; }
ASLAP=$(command -v memcaslap || command -v memaslap || true)
[ -n "$ASLAP" ] || { echo "need memaslap (apt-get install libmemcached-tools)" >&2; exit 1; }
command -v memcslap >/dev/null || { echo "need memcslap (apt-get install libmemcached-tools)" >&2; exit 1; }
HAVE_MC=0
command -v memcached >/dev/null && HAVE_MC=1

TMP=$(mktemp -d /tmp/warden-mcbench.XXXXXX)
declare -A PID PORT
cleanup() {
  for s in W M; do
    [ -n "${PID[$s]:-}" ] && kill "${PID[$s]}" 2>/dev/null || true
  done
  for s in W M; do
    [ -n "${PID[$s]:-}" ] && wait "${PID[$s]}" 2>/dev/null || true
  done
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_mc() { # port
  python3 - "$1" <<'EOF'
import socket, sys, time
port = int(sys.argv[1])
for _ in range(100):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=0.5)
        s.sendall(b"version\r\n")
        if s.recv(64).startswith(b"VERSION"):
            sys.exit(0)
    except OSError:
        pass
    time.sleep(0.1)
sys.exit(1)
EOF
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

start() { # W|M
  local port rport
  port=$(free_port)
  if [ "$1" = W ]; then
    rport=$(free_port)
    # shellcheck disable=SC2086
    "$WARDEN" --port "$rport" --memcached-port "$port" --bind 127.0.0.1 --save '' --threads "$THREADS" \
      $WARDEN_ARGS >"$TMP/warden.log" 2>&1 &
  else
    local user=()
    [ "$(id -u)" = 0 ] && user=(-u root)
    # shellcheck disable=SC2086
    memcached -p "$port" -U 0 -l 127.0.0.1 -t "$THREADS" -m 1024 "${user[@]}" $MEMCACHED_ARGS \
      >"$TMP/memcached.log" 2>&1 &
  fi
  PID[$1]=$!
  PORT[$1]=$port
  wait_mc "$port" || { echo "server $1 did not start" >&2; exit 1; }
}

cfg() { # name set_prop get_prop
  printf 'key\n%s %s 1\nvalue\n%s %s 1\ncmd\n0 %s\n1 %s\n' "$KEYLEN" "$KEYLEN" "$VALUE" "$VALUE" "$2" "$3" \
    >"$TMP/$1.cfg"
}
cfg set 1 0
cfg get 0 1
cfg mix 0.1 0.9

# One run of workload $2 against server $1: prints "ops_per_sec cpu_us_per_op".
run() {
  local s=$1 w=$2 t0 t1 out ops secs
  t0=$(cpu_ticks "${PID[$s]}")
  case $w in
    aslap-*)
      out=$("$ASLAP" -s "127.0.0.1:${PORT[$s]}" -T "$LOAD_THREADS" -c "$CONC" -t "${SECS}s" -X "$VALUE" \
            -F "$TMP/${w#aslap-}.cfg" 2>&1 | grep -E '^Run time:' | tail -1)
      ops=$(echo "$out" | sed -E 's/.*Ops: ([0-9]+).*/\1/')
      secs=$(echo "$out" | sed -E 's/Run time: ([0-9.]+)s.*/\1/')
      ;;
    slap-*)
      local start end
      start=$(date +%s.%N)
      memcslap --servers="127.0.0.1:${PORT[$s]}" --test="${w#slap-}" --concurrency="$SLAP_CONC" \
        --execute-number="$SLAP_N" >/dev/null 2>&1
      end=$(date +%s.%N)
      ops=$((SLAP_N * SLAP_CONC))
      secs=$(echo "$end - $start" | bc -l)
      ;;
  esac
  t1=$(cpu_ticks "${PID[$s]}")
  local hz
  hz=$(getconf CLK_TCK)
  echo "$ops $secs $t0 $t1 $hz" | awk '{ops=$1; s=$2; printf "%.0f %.2f\n", (s > 0 ? ops / s : 0), (ops > 0 ? ($4 - $3) * 1e6 / $5 / ops : 0)}'
}

WORKLOADS="aslap-set aslap-get aslap-mix slap-set slap-get"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC')  $(nproc) cores  $(uname -r)"
echo "# Warden: $("$WARDEN" --version)"
[ $HAVE_MC = 1 ] && echo "# memcached: $(memcached -V)"
echo "# load: $(basename "$ASLAP") ${SECS}s runs, $CONC connections x $LOAD_THREADS threads, ${KEYLEN}-byte keys," \
     "${VALUE}-byte values; memcslap $SLAP_CONC threads x $SLAP_N ops; server threads $THREADS; $ROUNDS rounds"

start W
[ $HAVE_MC = 1 ] && start M
for ((r = 1; r <= ROUNDS; r++)); do
  order="W M"
  [ $((r % 2)) = 0 ] && order="M W"
  for w in $WORKLOADS; do
    for s in $order; do
      [ -n "${PID[$s]:-}" ] || continue
      echo "$w $s $(run "$s" "$w")" >>"$TMP/results"
    done
  done
done

python3 - "$TMP/results" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    w, s, ops, cpu = line.split()
    rows.setdefault(w, {}).setdefault(s, []).append((float(ops), float(cpu)))
print()
print("| workload | Warden ops/s | memcached ops/s | Warden/memcached | Warden CPU µs/op | memcached CPU µs/op |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
ratios = []
for w in rows:
    W = rows[w].get("W", [])
    M = rows[w].get("M", [])
    wo = statistics.median(o for o, _ in W) if W else 0
    mo = statistics.median(o for o, _ in M) if M else 0
    wc = statistics.median(c for _, c in W) if W else 0
    mc = statistics.median(c for _, c in M) if M else 0
    ratio = wo / mo if mo else 0
    if ratio:
        ratios.append(ratio)
    print("| %s | %.0f | %s | %s | %.2f | %s |" % (w, wo, "%.0f" % mo if M else "-", "%.2f" % ratio if M else "-",
                                                 wc, "%.2f" % mc if M else "-"))
if ratios:
    g = 1.0
    for x in ratios:
        g *= x
    print()
    print("Warden/memcached throughput, geometric mean: %.2f" % (g ** (1 / len(ratios))))
EOF
