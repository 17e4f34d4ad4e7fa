#!/bin/sh
# Runs the libFuzzer targets built by `make fuzz-build` (build/fuzz/fuzz_<name>).
#   fuzz.sh run   SECONDS name...   fuzz each target for SECONDS from fuzz/corpus/<name>/,
#                                   keeping new inputs in fuzz/corpus-run/<name>/ (ignored by git)
#   fuzz.sh check SECONDS name...   what `make test` does: replay every file of
#                                   fuzz/regressions/<name>/ and the seed corpus (each must
#                                   pass), then fuzz SECONDS in a scratch corpus
# A crash, leak, sanitizer report or hang (over 10 s on one input) fails the run and
# leaves the input in build/fuzz/artifacts/<name>/. FUZZ_JOBS=2 runs two targets at once.
set -eu
mode=$1 secs=$2
shift 2
cd "$(dirname "$0")/.."
status=0

run_one() {
  name=$1
  bin=build/fuzz/fuzz_$name
  art=build/fuzz/artifacts/$name
  mkdir -p "$art" "fuzz/corpus/$name"
  dict=""
  [ -f "fuzz/$name.dict" ] && dict="-dict=fuzz/$name.dict"
  log=build/fuzz/$name.log
  opts="-timeout=10 -rss_limit_mb=2048 -artifact_prefix=$art/ -print_final_stats=1"
  if [ "$mode" = check ]; then
    # regressions: every input that ever crashed a target, replayed one by one
    regs=$(find "fuzz/regressions/$name" -type f 2>/dev/null | sort || true)
    if [ -n "$regs" ]; then
      # shellcheck disable=SC2086 # file names have no spaces (checked by the README rule)
      if ! $bin $opts $regs >"$log" 2>&1; then
        echo "fuzz_$name: a regression input fails again:"; tail -40 "$log"; return 1
      fi
    fi
    scratch=build/fuzz/scratch/$name
    rm -rf "$scratch" && mkdir -p "$scratch"
    # shellcheck disable=SC2086
    if ! $bin $opts $dict -max_total_time="$secs" "$scratch" "fuzz/corpus/$name" >"$log" 2>&1; then
      echo "fuzz_$name: FAILED"; tail -60 "$log"; return 1
    fi
  else
    mkdir -p "fuzz/corpus-run/$name"
    # shellcheck disable=SC2086
    if ! $bin $opts $dict -max_total_time="$secs" "fuzz/corpus-run/$name" "fuzz/corpus/$name" >"$log" 2>&1; then
      echo "fuzz_$name: FAILED (input in $art/)"; tail -60 "$log"; return 1
    fi
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  echo "fuzz_$name: ok, ${runs:-?} runs in ${secs}s, ${cov:-cov: ?}"
}

jobs=${FUZZ_JOBS:-1}
if [ "$jobs" -le 1 ]; then
  for n in "$@"; do run_one "$n" || status=1; done
else
  # at most $jobs targets at a time
  pids=""
  for n in "$@"; do
    run_one "$n" & pids="$pids $!"
    set -- $pids
    if [ $# -ge "$jobs" ]; then
      wait "$1" || status=1
      shift
      pids="$*"
    fi
  done
  for p in $pids; do wait "$p" || status=1; done
fi
exit $status
