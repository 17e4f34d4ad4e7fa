#!/usr/bin/env bash
# bench/types-bench.sh — collection types, Warden against redis-server on this machine.
#
# 1. Throughput: redis-benchmark's own LPUSH, LPOP, SADD, HSET, ZADD and LRANGE_100 tests
#    at pipeline 1 and 16 (shared/bench/bench-compare.sh, alternating rounds), plus
#    ZRANGE 0 9 on a 1,000-member sorted set (redis-benchmark command mode).
# 2. Memory: RSS growth per element for 1,000 hashes of 100 small fields, and for one
#    sorted set of 1,000,000 members, in each server.
# Env: ROUNDS=2 CLIENTS=50 ZSET_MEMBERS=1000000
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WARDEN="$ROOT/build/warden"
SHARED="$ROOT/../shared/bench"
ROUNDS=${ROUNDS:-2}
ZSET_MEMBERS=${ZSET_MEMBERS:-1000000}
export CLIENTS=${CLIENTS:-50}
[ -x "$WARDEN" ] || { echo "build Warden first: make" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "need redis-server (apt-get install redis-server)" >&2; exit 1; }
WCMD="$WARDEN --port {PORT} --bind 127.0.0.1 --save ''"
RCMD="redis-server --port {PORT} --bind 127.0.0.1 --save '' --appendonly no"

echo "# $(date -u '+%Y-%m-%d %H:%M UTC')  $(nproc) cores; A = redis-server, B = Warden"
WORKLOADS="lpush:1 lpop:1 sadd:1 hset:1 zadd:1 lrange_100:1 lpush:16 sadd:16 hset:16 zadd:16" \
  "$SHARED/bench-compare.sh" "$RCMD" "$WCMD" "$ROUNDS" 2>/dev/null | sed -n '/^workload/,$p'

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start() { # cmd -> sets PID PORT
  PORT=$(free_port)
  local cmd=${1//\{PORT\}/$PORT}
  bash -c "exec $cmd" >/dev/null 2>&1 &
  PID=$!
  for _ in $(seq 100); do [ "$(redis-cli -p "$PORT" ping 2>/dev/null)" = PONG ] && return; sleep 0.1; done
  echo "server did not start: $cmd" >&2; exit 1
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; }
rss() { awk '$1=="VmRSS:"{print $2*1024}' "/proc/$PID/status"; }

zrange_rps() { # name cmd
  start "$2"
  redis-cli -p "$PORT" eval "for i=1,1000 do redis.call('zadd','bz',i,'member:'..i) end return 1" 0 >/dev/null 2>&1 ||
    for i in $(seq 1 1000); do echo "ZADD bz $i member:$i"; done | redis-cli -p "$PORT" >/dev/null
  local r
  r=$(redis-benchmark -p "$PORT" -c "$CLIENTS" -n 200000 --csv zrange bz 0 9 2>/dev/null | tail -1 | cut -d, -f2 | tr -d '"')
  stop
  echo "$r"
}
ra=$(zrange_rps redis "$RCMD"); rb=$(zrange_rps warden "$WCMD")
printf 'zrange_0_9:1     %12s %12s  B/A %.3f\n' "$ra" "$rb" "$(awk -v a="$ra" -v b="$rb" 'BEGIN{print b/a}')"

mem_hashes() { # cmd -> bytes per field
  start "$1"
  local r0 r1
  sleep 0.5; r0=$(rss)
  awk 'BEGIN{for(h=0;h<1000;h++){printf "*202\r\n$4\r\nHSET\r\n"; k="hash:" h; printf "$%d\r\n%s\r\n", length(k), k;
       for(f=0;f<100;f++){fk="field" f; fv="value" f; printf "$%d\r\n%s\r\n$%d\r\n%s\r\n", length(fk), fk, length(fv), fv}}}' |
    redis-cli -p "$PORT" --pipe >/dev/null
  sleep 0.5; r1=$(rss)
  stop
  awk -v a="$r0" -v b="$r1" 'BEGIN{printf "%.1f", (b-a)/100000}'
}
mem_zset() { # cmd -> bytes per member
  start "$1"
  local r0 r1
  sleep 0.5; r0=$(rss)
  awk -v n="$ZSET_MEMBERS" 'BEGIN{srand(7); for(i=0;i<n;i+=100){printf "*202\r\n$4\r\nZADD\r\n$2\r\nbz\r\n";
       for(j=i;j<i+100;j++){s=sprintf("%.6f", rand()*1000000); m="member:" j;
       printf "$%d\r\n%s\r\n$%d\r\n%s\r\n", length(s), s, length(m), m}}}' |
    redis-cli -p "$PORT" --pipe >/dev/null
  sleep 0.5; r1=$(rss)
  stop
  awk -v a="$r0" -v b="$r1" -v n="$ZSET_MEMBERS" 'BEGIN{printf "%.1f", (b-a)/n}'
}
ha=$(mem_hashes "$RCMD"); hb=$(mem_hashes "$WCMD")
za=$(mem_zset "$RCMD"); zb=$(mem_zset "$WCMD")
echo "memory (RSS growth)                     redis-server      Warden   Warden/Redis"
printf '1,000 hashes x 100 fields (B/field)  %12s %12s   %.2f\n' "$ha" "$hb" "$(awk -v a="$ha" -v b="$hb" 'BEGIN{print b/a}')"
printf '1 zset x %d members (B/member) %9s %12s   %.2f\n' "$ZSET_MEMBERS" "$za" "$zb" "$(awk -v a="$za" -v b="$zb" 'BEGIN{print b/a}')"
