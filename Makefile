# Warden build. `make` builds build/warden; `make run` starts it on 127.0.0.1:6379;
# `make test` runs the unit tests, the integration suite, and the suite again under
# ASan+UBSan (LeakSanitizer at every server exit). Other targets: asan, unit,
# integration, asan-integration, lint, fuzz, bench, bench-pubsub, bench-tls, clean. Missing Debian packages are
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

# Fuzzing (clang's libFuzzer): `make fuzz FUZZ_SECONDS=60`.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 20
FUZZF        := -std=c11 -D_GNU_SOURCE -Isrc -g -O1 -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=undefined -DWARDEN_NO_JEMALLOC
FUZZ_TARGETS := build/fuzz/fuzz_resp build/fuzz/fuzz_glob build/fuzz/fuzz_memcache build/fuzz/fuzz_rdb_load \
                build/fuzz/fuzz_dump_payload build/fuzz/fuzz_aof_load build/fuzz/fuzz_crypt_load

.PHONY: all run test unit integration asan-integration bench bench-pubsub bench-tls deps deps-check clean asan lint fuzz
all: deps-check build/warden build/warden-check

deps-check:
	@scripts/install-deps.sh --check-or-install

deps:
	scripts/install-deps.sh --all

# Every compile waits for the dependency check (order-only: it never forces a rebuild),
# so `make -j2` on a fresh machine installs libjemalloc-dev & co. before compiling.
$(OBJS) $(ASAN_OBJS): | deps-check

build/warden: $(OBJS)
	$(CC) $(BASE) $(HARDEN) $(HARDLD) -o $@ $(OBJS) $(LIBS)

build/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(HARDEN) -MMD -MP -c -o $@ $<

# warden-check: offline verification (and decryption) of RDB/AOF files.
build/warden-check: tools/warden_check.c $(filter-out build/obj/main.o,$(OBJS))
	$(CC) $(BASE) $(HARDEN) $(HARDLD) -o $@ $^ $(LIBS)

asan: deps-check build/asan/warden
build/asan/warden: $(ASAN_OBJS)
	$(CC) $(BASE) $(ASANF) -o $@ $(ASAN_OBJS) $(filter-out -ljemalloc,$(LIBS))

build/asan/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(ASANF) -MMD -MP -c -o $@ $<

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

# The last line printed is the sanitized run's pytest summary.
test: all asan unit
	$(PYTEST) tests/integration
	@rm -rf $(ASAN_TMP) && mkdir -p $(ASAN_TMP)
	$(ASAN_ENV) $(PYTEST) tests/integration

lint:
	cppcheck --std=c11 --enable=warning,portability,performance --error-exitcode=1 --inline-suppr \
	    -D_GNU_SOURCE -Isrc --quiet -j2 src/

build/fuzz/fuzz_resp: fuzz/fuzz_resp.c src/proto/resp.c src/util/alloc.c src/util/numparse.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZF) -o $@ $^

build/fuzz/fuzz_memcache: fuzz/fuzz_memcache.c src/proto/memcache.c src/util/alloc.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZF) -o $@ $^

build/fuzz/fuzz_glob: fuzz/fuzz_glob.c src/util/glob.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZF) -o $@ $^

# The RDB loader and every value codec it registers: the codecs build real values
# (lists, hashes...), which read the configuration, so these link all of src/ but main.
FUZZ_PERSIST := $(filter-out src/main.c,$(SRCS))
build/fuzz/fuzz_rdb_load: fuzz/fuzz_rdb_load.c $(FUZZ_PERSIST)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZF) -o $@ $^ $(filter-out -ljemalloc,$(LIBS))

build/fuzz/fuzz_aof_load: fuzz/fuzz_aof_load.c $(FUZZ_PERSIST)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZF) -o $@ $^ $(filter-out -ljemalloc,$(LIBS))

build/fuzz/fuzz_crypt_load: fuzz/fuzz_crypt_load.c src/persist/crypt.c src/persist/pstream.c src/persist/crc64.c \
                           src/util/alloc.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZF) -o $@ $^ -lcrypto

build/fuzz/fuzz_dump_payload: fuzz/fuzz_dump_payload.c $(FUZZ_PERSIST)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZF) -o $@ $^ $(filter-out -ljemalloc,$(LIBS))

# Each target runs FUZZ_SECONDS from its seed corpus (new inputs go to fuzz/corpus-run/,
# which git ignores); a crash leaves its input in build/fuzz/ and fails the target.
fuzz: $(FUZZ_TARGETS)
	@set -e; for t in resp glob memcache rdb_load dump_payload aof_load crypt_load; do \
	    mkdir -p fuzz/corpus-run/$$t; \
	    echo "== fuzz_$$t for $(FUZZ_SECONDS)s"; \
	    build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -dict=fuzz/$$t.dict \
	        -artifact_prefix=build/fuzz/crash-$$t- -print_final_stats=0 \
	        fuzz/corpus-run/$$t fuzz/corpus/$$t 2>&1 | grep -E '^(Done [0-9]+ runs|==[0-9]+==|SUMMARY)' || true; \
	    if ls build/fuzz/crash-$$t-* >/dev/null 2>&1; then echo "fuzz_$$t found a crash:"; ls build/fuzz/crash-$$t-*; exit 1; fi; \
	done

bench: all
	bench/run.sh
	bench/types-bench.sh
	bench/pubsub-bench.sh
	bench/persist-bench.sh
	bench/memcache-bench.sh

# Pub/Sub and MULTI/EXEC against redis-server only (bench/RESULTS-pubsub.md).
bench-pubsub: all
	bench/pubsub-bench.sh

# GET/SET over TLS against redis-server --tls-port (bench/RESULTS-tls.md)
bench-tls: all
	bench/tls-bench.sh

clean:
	rm -rf build

-include $(OBJS:.o=.d) $(ASAN_OBJS:.o=.d)
