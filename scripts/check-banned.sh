#!/bin/sh
# Banned-function check, run by `make lint` over src/. Each function below has a safer
# replacement in Warden; a call that must stay anyway carries the comment
# `banned-ok: <reason>` on its line. Exit status 1 (and the offending lines) on a hit.
#
#   strcpy stpcpy strncpy strcat strncat   unbounded or non-terminating copies:
#                                          snprintf / memcpy with a checked length
#   sprintf vsprintf                       snprintf / vsnprintf
#   gets                                   fgets
#   atoi atol atoll atof                   no error detection: num_parse_ll /
#                                          num_parse_double (util/numparse.h)
#   strtok                                 hidden global state, not thread-safe: strtok_r
#   tmpnam tempnam mktemp                  race between name and creation: mkstemp
#   alloca                                 unbounded stack growth: a heap buffer
#   system popen                           a shell from a network server: never
#   malloc calloc realloc strdup strndup   uncounted memory: wmalloc & co. (util/alloc.h),
#                                          allowed only in src/util/alloc.c
set -eu
cd "$(dirname "$0")/.."
dir=${1:-src}
status=0

check() { # check <function regex> <files...>
  pattern='(^|[^A-Za-z0-9_.>])('"$1"')[[:space:]]*\('
  shift
  # string literals are blanked first ("... the system (by any client)" is no call),
  # then comment lines (starting with /*, * or //) and banned-ok: lines are skipped
  hits=$(for f in "$@"; do
           sed -E 's/"([^"\\]|\\.)*"/""/g' "$f" | grep -nE "$pattern" | sed "s|^|$f:|"
         done | grep -v 'banned-ok:' | grep -vE '^[^:]*:[0-9]+:[[:space:]]*(/\*|\*|//)' || true)
  if [ -n "$hits" ]; then
    echo "$hits"
    status=1
  fi
}

files=$(find "$dir" -name '*.[ch]' | sort)
# shellcheck disable=SC2086 # file names have no spaces
check 'strcpy|stpcpy|strncpy|strcat|strncat|sprintf|vsprintf|gets|atoi|atol|atoll|atof|strtok|tmpnam|tempnam|mktemp|alloca|system|popen' $files
# shellcheck disable=SC2086
check 'malloc|calloc|realloc|strdup|strndup' $(echo "$files" | grep -v '^src/util/alloc\.c$')
if [ "$status" != 0 ]; then
  echo "banned functions used (see scripts/check-banned.sh for the replacements)" >&2
fi
exit $status
