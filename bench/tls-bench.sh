#!/usr/bin/env bash
# bench/tls-bench.sh (`make bench-tls`) — GET/SET over TLS, Warden against redis-server
# (Debian's redis-server is built with TLS), side by side, with the same certificates.
#
# Each server listens on a plaintext port (for redis-cli health checks) and a TLS port;
# redis-benchmark --tls runs the workloads against the TLS ports, alternating which
# server goes first round by round. Printed: median requests/s per workload and server,
# the Warden/Redis ratio, and the same workloads over plaintext for the cost of TLS.
#
# Env knobs: ROUNDS=3 WORKLOADS="set:1 get:1 set:16 get:16" CLIENTS=50 REQUESTS=100000
#            PLAIN=1 (also measure plaintext; 0 to skip) WARDEN_ARGS=""
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WARDEN="$ROOT/build/warden"
ROUNDS=${ROUNDS:-3}
WORKLOADS=${WORKLOADS:-"set:1 get:1 set:16 get:16"}
CLIENTS=${CLIENTS:-50}
REQUESTS=${REQUESTS:-100000}
PLAIN=${PLAIN:-1}
WARDEN_ARGS=${WARDEN_ARGS:-}

[ -x "$WARDEN" ] || { echo "build Warden first: make" >&2; exit 1; }
for t in redis-benchmark redis-cli redis-server openssl; do
  command -v $t >/dev/null || { echo "need $t" >&2; exit 1; }
done

TMP=$(mktemp -d /tmp/warden-tls-bench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

# certificates: a CA and a server certificate for 127.0.0.1 (ECDSA P-256, as is common)
(
  cd "$TMP"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.crt \
    -days 2 -subj "/CN=bench CA" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr \
    -subj "/CN=localhost" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > san.ext
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 \
    -extfile san.ext 2>/dev/null
)
TLSOPTS="--tls-cert-file $TMP/server.crt --tls-key-file $TMP/server.key --tls-ca-cert-file $TMP/ca.crt --tls-auth-clients no"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start() { # name -> sets PORT_<name> TLS_<name>
  local name=$1 port tls cmd
  port=$(free_port); tls=$(free_port)
  if [ "$name" = warden ]; then
    cmd="$WARDEN --port $port --tls-port $tls --bind 127.0.0.1 --save '' $TLSOPTS $WARDEN_ARGS"
  else
    cmd="redis-server --port $port --tls-port $tls --bind 127.0.0.1 --save '' --appendonly no $TLSOPTS"
  fi
  bash -c "exec $cmd" >"$TMP/$name.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done
  [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] || { echo "$name did not start:"; cat "$TMP/$name.log"; exit 1; }
  eval "PORT_$name=$port TLS_$name=$tls"
}

rps() { # port tls(0/1) test pipeline
  local extra=""
  [ "$2" = 1 ] && extra="--tls --cacert $TMP/ca.crt"
  # shellcheck disable=SC2086
  redis-benchmark -p "$1" $extra -c "$CLIENTS" -n "$REQUESTS" -r 100000 -P "$4" -t "$3" --csv 2>/dev/null |
    awk -F'"' 'NR==2{print $4}'
}

median() { sort -g | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2 }'; }

start warden
start redis
echo "# $(date -u '+%Y-%m-%d %H:%M UTC')  $(nproc) cores  $(uname -r)"
echo "# Warden: $("$WARDEN" --version)"
echo "# Redis:  $(redis-server --version)"
echo "# $CLIENTS clients, $REQUESTS requests per run, $ROUNDS rounds alternating, 3-byte values"

modes="1"
[ "$PLAIN" = 1 ] && modes="1 0"
for tls in $modes; do
  for w in $WORKLOADS; do
    t=${w%%:*}; P=${w##*:}
    : >"$TMP/w" ; : >"$TMP/r"
    for round in $(seq "$ROUNDS"); do
      if [ $((round % 2)) = 1 ]; then order="warden redis"; else order="redis warden"; fi
      for s in $order; do
        if [ "$tls" = 1 ]; then eval "p=\$TLS_$s"; else eval "p=\$PORT_$s"; fi
        v=$(rps "$p" "$tls" "$t" "$P")
        [ "$s" = warden ] && echo "$v" >>"$TMP/w" || echo "$v" >>"$TMP/r"
      done
    done
    W=$(median <"$TMP/w"); R=$(median <"$TMP/r")
    awk -v m="$([ "$tls" = 1 ] && echo tls || echo plain)" -v w="$w" -v a="$W" -v b="$R" \
      'BEGIN{printf "%-6s %-8s warden %10.0f   redis %10.0f   warden/redis %.2f\n", m, w, a, b, (b>0)?a/b:0}'
  done
done
for s in warden redis; do
  eval "pid=\${PIDS[$([ $s = warden ] && echo 0 || echo 1)]}"
  printf '# peak RSS %s: %s kB\n' "$s" "$(awk '/VmHWM/{print $2}' /proc/"$pid"/status 2>/dev/null)"
done
