# Warden build. `make` builds build/warden; `make run` starts it on 127.0.0.1:6379;
# `make test` runs unit tests, the integration suite, and the suite again under ASan+UBSan.
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
LIB_OBJS  := $(filter-out build/obj/main.o,$(OBJS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/unit/%)

.PHONY: all run test unit integration asan-integration bench deps clean asan lint
all: deps-check build/warden

deps-check:
	@scripts/install-deps.sh --check-or-install

build/warden: $(OBJS)
	$(CC) $(BASE) $(HARDEN) $(HARDLD) -o $@ $(OBJS) $(LIBS)

build/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(HARDEN) -MMD -MP -c -o $@ $<

asan: deps-check build/asan/warden
build/asan/warden: $(ASAN_OBJS)
	$(CC) $(BASE) $(ASANF) -o $@ $(ASAN_OBJS) $(filter-out -ljemalloc,$(LIBS))

build/asan/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(ASANF) -MMD -MP -c -o $@ $<

# Unit tests link the library objects (everything but main.o) under ASan+UBSan.
build/unit/%: tests/unit/%.c $(filter-out build/asan/obj/main.o,$(ASAN_OBJS))
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(ASANF) -o $@ $^ $(filter-out -ljemalloc,$(LIBS))

run: all
	./build/warden --port 6379 --bind 127.0.0.1

unit: deps-check $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

integration: all
	$(PYTHON) -m pytest -q tests/integration

asan-integration: asan
	WARDEN_BIN=build/asan/warden $(PYTHON) -m pytest -q tests/integration

test: all asan unit
	$(PYTHON) -m pytest -q tests/integration
	WARDEN_BIN=build/asan/warden WARDEN_ASAN=1 $(PYTHON) -m pytest -q tests/integration

bench: all
	bench/run.sh

clean:
	rm -rf build

-include $(OBJS:.o=.d) $(ASAN_OBJS:.o=.d)
