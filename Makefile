# Warden build. `make` builds build/warden; `make run` starts it on 127.0.0.1:6379;
# `make test` runs the unit tests, the integration suite, and the suite again under
# ASan+UBSan (LeakSanitizer at every server exit). Other targets: asan, unit,
# integration, asan-integration, lint, fuzz, bench, clean. Missing Debian packages are
# installed by scripts/install-deps.sh when run as root (else it names them).
CC      ?= cc
PYTHON  ?= /usr/bin/python3
SRCS    := $(shell find src -name '*.c' | sort)
WARN    := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes -Wno-unused-parameter
BASE    := -std=c11 -D_GNU_SOURCE -pthread -Isrc $(WARN) -g
HARDEN  := -O2 -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fstack-clash-protection \
           -fcf-protection -fPIE
HARDLD  := -pie -Wl,-z,relro,-z,now,-z,noexecstack
LIBS    := -ljemalloc -lssl -lcrypto -lm
ASANF   := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -DWARDEN_NO_JEMALLOC

OBJS      := $(SRCS:src/%.c=build/obj/%.o)
ASAN_OBJS := $(SRCS:src/%.c=build/asan/obj/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/unit/%)

# Integration runs. Per-test timeout when pytest-timeout is there (install-deps.sh
# installs it); recursive `=` so the check runs after deps-check, not at parse time.
PYTEST_TIMEOUT = $(shell $(PYTHON) -c 'import pytest_timeout' 2>/dev/null && echo --timeout=300)
PYTEST         = $(PYTHON) -m pytest -q -p no:cacheprovider $(PYTEST_TIMEOUT)
# The ASan run keeps every test server's log under one folder (TMPDIR) so that
# tests/integration/test_zz_sanitizer_sweep.py can fail the run on any sanitizer
# report, including from servers a test started and never checked.
ASAN_TMP  := build/asan/tmp
ASAN_ENV   = TMPDIR=$(CURDIR)/$(ASAN_TMP) WARDEN_LOG_SWEEP_DIR=$(CURDIR)/$(ASAN_TMP) \
             WARDEN_BIN=build/asan/warden WARDEN_ASAN=1 \
             ASAN_OPTIONS=$${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
             UBSAN_OPTIONS=$${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Fuzzing (clang's libFuzzer): every fuzz/fuzz_<name>.c is a target, linked with an
# archive of src/ (minus main.c) built with the fuzzer's instrumentation, so a new target
# needs no Makefile change (fuzz/README.md). `make fuzz FUZZ_SECONDS=600` runs each for
# that long; `make fuzz-check` (part of `make test`) replays fuzz/regressions/<name>/ and
# the seed corpus, then fuzzes each target for FUZZ_CHECK_SECONDS.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 20
FUZZ_CHECK_SECONDS ?= 4
FUZZF        := -std=c11 -D_GNU_SOURCE -pthread -Isrc -g -O1 -fsanitize=address,undefined \
                -fno-sanitize-recover=undefined -DWARDEN_NO_JEMALLOC $(WARN)
FUZZ_NAMES   := $(sort $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c)))
FUZZ_TARGETS := $(FUZZ_NAMES:%=build/fuzz/fuzz_%)
FUZZ_OBJS    := $(filter-out build/fuzz/obj/main.o,$(SRCS:src/%.c=build/fuzz/obj/%.o))

# ThreadSanitizer build (clang): `make tsan`; `make tsan-test` runs the tests marked
# `concurrency` against it (tests/integration/pytest.ini).
TSAN_CC   ?= clang
TSANF     := -O1 -g -fno-omit-frame-pointer -fsanitize=thread -DWARDEN_NO_JEMALLOC
TSAN_OBJS := $(SRCS:src/%.c=build/tsan/obj/%.o)
TSAN_TMP  := build/tsan/tmp

.PHONY: all run test unit integration asan-integration bench deps deps-check clean asan lint fuzz fuzz-build \
        fuzz-check tsan tsan-test valgrind-test dist clang print-release-flags
all: deps-check build/warden

deps-check:
	@scripts/install-deps.sh --check-or-install

deps:
	scripts/install-deps.sh --all

# Every compile waits for the dependency check (order-only: it never forces a rebuild),
# so `make -j2` on a fresh machine installs libjemalloc-dev & co. before compiling.
$(OBJS) $(ASAN_OBJS) $(TSAN_OBJS) $(FUZZ_OBJS): | deps-check

build/warden: $(OBJS)
	$(CC) $(BASE) $(HARDEN) $(HARDLD) -o $@ $(OBJS) $(LIBS)

build/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(HARDEN) -MMD -MP -c -o $@ $<

# The release flags, for tests/integration/test_hardening.py.
print-release-flags:
	@echo $(HARDEN) $(HARDLD)

# The release build with clang instead of gcc, in its own folder (warning-free, -Werror).
clang: deps-check build/clang/warden
CLANG_OBJS := $(SRCS:src/%.c=build/clang/obj/%.o)
build/clang/warden: $(CLANG_OBJS)
	clang $(BASE) $(HARDEN) $(HARDLD) -o $@ $(CLANG_OBJS) $(LIBS)
build/clang/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	clang $(BASE) $(HARDEN) -MMD -MP -c -o $@ $<

asan: deps-check build/asan/warden
build/asan/warden: $(ASAN_OBJS)
	$(CC) $(BASE) $(ASANF) -o $@ $(ASAN_OBJS) $(filter-out -ljemalloc,$(LIBS))

build/asan/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(ASANF) -MMD -MP -c -o $@ $<

tsan: deps-check build/tsan/warden
build/tsan/warden: $(TSAN_OBJS)
	$(TSAN_CC) $(BASE) $(TSANF) -o $@ $(TSAN_OBJS) $(filter-out -ljemalloc,$(LIBS))

build/tsan/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(TSAN_CC) $(BASE) $(TSANF) -MMD -MP -c -o $@ $<

# Unit tests link the library objects (everything but main.o) under ASan+UBSan.
build/unit/%: tests/unit/%.c tests/unit/unit.h $(filter-out build/asan/obj/main.o,$(ASAN_OBJS))
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(ASANF) -o $@ $(filter %.c %.o,$^) $(filter-out -ljemalloc,$(LIBS))

run: all
	./build/warden --port 6379 --bind 127.0.0.1

unit: deps-check $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do printf '== %s: ' $$t; $$t; done

integration: all
	$(PYTEST) tests/integration

asan-integration: asan
	@rm -rf $(ASAN_TMP) && mkdir -p $(ASAN_TMP)
	$(ASAN_ENV) $(PYTEST) tests/integration

# The tests marked `concurrency` against the ThreadSanitizer build. A report makes the
# server exit with status 66 (the fixtures assert 0) and the sweep test greps every
# server log for it. tsan.supp lists justified suppressions (none in our code).
tsan-test: tsan
	@rm -rf $(TSAN_TMP) && mkdir -p $(TSAN_TMP)
	TMPDIR=$(CURDIR)/$(TSAN_TMP) WARDEN_LOG_SWEEP_DIR=$(CURDIR)/$(TSAN_TMP) WARDEN_BIN=build/tsan/warden WARDEN_ASAN=1 \
	    TSAN_OPTIONS="halt_on_error=0 exitcode=66 detect_deadlocks=0 suppressions=$(CURDIR)/tests/tsan.supp" \
	    $(PYTEST) -m concurrency tests/integration
	TMPDIR=$(CURDIR)/$(TSAN_TMP) WARDEN_LOG_SWEEP_DIR=$(CURDIR)/$(TSAN_TMP) $(PYTEST) tests/integration/test_zz_sanitizer_sweep.py

# A scripted session against the release binary under valgrind memcheck.
valgrind-test: all
	WARDEN_VALGRIND=1 $(PYTEST) tests/integration/test_valgrind.py

# The last line printed is the sanitized run's pytest summary. The checks run one after
# another (not as parallel prerequisites) so that timing-sensitive tests never share
# the 2 cores with a compile.
test: all asan unit
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory fuzz-check
	@$(MAKE) --no-print-directory tsan-test
	@$(MAKE) --no-print-directory valgrind-test
	$(PYTEST) tests/integration
	@rm -rf $(ASAN_TMP) && mkdir -p $(ASAN_TMP)
	$(ASAN_ENV) $(PYTEST) tests/integration

# Static analysis: cppcheck, clang-tidy (.clang-tidy) and the banned-function check.
# Zero findings; an exception needs an inline suppression with a reason.
TIDY_STAMPS := $(SRCS:src/%.c=build/tidy/%.ok)
HDRS        := $(shell find src -name '*.h')
lint: deps-check
	cppcheck --std=c11 --enable=warning,portability,performance --error-exitcode=1 --inline-suppr \
	    -D_GNU_SOURCE -Isrc --quiet -j2 src/
	scripts/check-banned.sh
	@$(MAKE) --no-print-directory tidy

.PHONY: tidy
tidy: $(TIDY_STAMPS)
# One stamp per file so an unchanged file is not analysed again.
build/tidy/%.ok: src/%.c .clang-tidy $(HDRS)
	@mkdir -p $(dir $@)
	@clang-tidy --quiet $< -- -std=c11 -D_GNU_SOURCE -Isrc -DWARDEN_NO_JEMALLOC >$@.log 2>&1 \
	    || { grep -v 'warnings\? generated\|Suppressed [0-9]' $@.log >&2; exit 1; }
	@touch $@

# ---- fuzzing ----
build/fuzz/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZF) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

build/fuzz/libwarden.a: $(FUZZ_OBJS)
	@rm -f $@
	ar rcs $@ $(FUZZ_OBJS)

build/fuzz/fuzz_%: fuzz/fuzz_%.c $(wildcard fuzz/*.h) build/fuzz/libwarden.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZF) -fsanitize=fuzzer -Ifuzz -o $@ $< build/fuzz/libwarden.a $(filter-out -ljemalloc,$(LIBS))

fuzz-build: deps-check $(FUZZ_TARGETS)

# Each target runs FUZZ_SECONDS from its seed corpus (new inputs go to fuzz/corpus-run/,
# which git ignores); a crash leaves its input in build/fuzz/artifacts/ and fails the run.
fuzz: fuzz-build
	scripts/fuzz.sh run $(FUZZ_SECONDS) $(FUZZ_NAMES)

fuzz-check: fuzz-build
	scripts/fuzz.sh check $(FUZZ_CHECK_SECONDS) $(FUZZ_NAMES)

# ---- release ----
# Source tarball, SHA256SUMS and its Ed25519 signature (docs/releasing.md):
#   make dist RELEASE_KEY=/path/to/release-key.pem
dist:
	scripts/make-dist.sh build/dist $(RELEASE_KEY)

bench: all
	bench/run.sh

clean:
	rm -rf build

-include $(OBJS:.o=.d) $(ASAN_OBJS:.o=.d) $(TSAN_OBJS:.o=.d) $(FUZZ_OBJS:.o=.d) $(CLANG_OBJS:.o=.d)
