# accord: one non-recursive GNU Makefile.
#   make            release build (build/release/accord)
#   make run        install missing packages, build, seed a demo, serve
#   make test       install missing packages, then every test, plain and
#                   under ASan+UBSan, and the browser tests (tests/browser)
#                   once, closing with "N passed, N failed"
#   make check      debug build with -Werror and the test suite
#   make asan       the test suite under AddressSanitizer + UBSan
#   make bench      benchmarks (see docs/performance.md)
#   make fuzz       each fuzz target for FUZZ_SECONDS (60), as make test
#                   does last (docs/testing.md#fuzzing)
#   make format / check-format / check-deps

MODE ?= release
B ?= build/$(MODE)

# accord links what the server needs; libcurl (member commands, and the
# server's notifications) and libpq (a PostgreSQL store) are loaded at run
# time when first needed (src/base/curl_dl.c, src/store/pq_dl.c), so a
# server that does not use them does not carry them (docs/performance.md).
PKGS := libmicrohttpd jansson sqlite3 libsodium libcmark-gfm
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) libcurl libpq 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CURL_LIBS := $(shell pkg-config --libs libcurl 2>/dev/null)
PQ_LIBS := $(shell pkg-config --libs libpq 2>/dev/null)
TEST_LIBS := $(shell pkg-config --libs criterion 2>/dev/null) $(CURL_LIBS) \
             $(PQ_LIBS)

WARN := -std=c17 -Wall -Wextra -Wpedantic -Wshadow -Wconversion \
        -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wwrite-strings \
        -Wno-sign-conversion
CFLAGS_release := -O2 -g
CFLAGS_debug := -O0 -g -Werror
CFLAGS_asan := -O1 -g -Werror -fsanitize=address,undefined \
               -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS_asan := -fsanitize=address,undefined

CFLAGS ?=
ALL_CFLAGS := $(WARN) $(CFLAGS_$(MODE)) -D_GNU_SOURCE -Isrc $(PKG_CFLAGS) \
              -MMD -MP $(CFLAGS)
SRC_CFLAGS := $(ALL_CFLAGS) -include src/base/banned.h
LDLIBS := $(PKG_LIBS) -lpthread -lm -ldl

LIB_SRC := $(wildcard src/base/*.c src/core/*.c src/store/*.c \
                      src/http/*.c src/cli/cmd_*.c src/cli/client.c)
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
LIB := $(B)/libaccord.a
BIN := $(B)/accord

TEST_SRC := $(wildcard tests/unit/*.c tests/store/*.c tests/http/*.c \
                       tests/cli/*.c)
TEST_SUPPORT := $(wildcard tests/support/*.c)
TEST_SUPPORT_OBJ := $(TEST_SUPPORT:%.c=$(B)/%.o)
TEST_BIN := $(patsubst %.c,$(B)/%,$(filter-out $(TEST_SUPPORT),$(TEST_SRC)))

BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:%.c=$(B)/%)

.PHONY: all run test check asan bench tests-build tests-run deps format \
        check-format check-deps demo clean fuzz fuzz-build
.DEFAULT_GOAL := all

all: $(BIN)

$(B)/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(SRC_CFLAGS) -c $< -o $@

$(B)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -Itests -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	@$(AR) rcs $@ $^

$(BIN): $(B)/src/cli/main.o $(LIB)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS_$(MODE)) -o $@ $^ $(LDLIBS)

$(B)/tests/%: $(B)/tests/%.o $(TEST_SUPPORT_OBJ) $(LIB)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS_$(MODE)) -o $@ $^ $(TEST_LIBS) $(LDLIBS)

$(B)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS_$(MODE)) -o $@ $^ $(CURL_LIBS) $(LDLIBS)

tests-build: $(BIN) $(TEST_BIN)

tests-run: tests-build node_modules
	@tools/run-tests $(B)

# The browser tests' packages (package-lock.json), installed again when
# missing or older than the lock file.
node_modules: package-lock.json
	@echo "  NPM     ci"
	@npm ci --no-audit --no-fund
	@touch $@

deps:
	@tools/setup-deps

test: deps
	@tools/check-deps
	@if command -v clang-format >/dev/null; then \
	    $(MAKE) --no-print-directory check-format && echo "format ok"; \
	else echo "clang-format not installed: format not checked"; fi
	@$(MAKE) --no-print-directory node_modules
	@$(MAKE) --no-print-directory MODE=debug B=build/debug tests-build
	@$(MAKE) --no-print-directory MODE=asan B=build/asan tests-build
	@$(MAKE) --no-print-directory fuzz-build
	@FUZZ_DIR=$(FUZZ_B) FUZZ_SECONDS=$(FUZZ_SECONDS) \
	    tools/run-tests --pg build/debug build/asan

check:
	@$(MAKE) --no-print-directory MODE=debug tests-run

asan:
	@$(MAKE) --no-print-directory MODE=asan tests-run

run: deps
	@$(MAKE) --no-print-directory MODE=release all
	@tools/demo-run

bench: deps
	@$(MAKE) --no-print-directory MODE=release all $(BENCH_BIN)
	@$(MAKE) --no-print-directory node_modules
	@bench/run

format:
	clang-format -i $(shell git ls-files '*.c' '*.h')

check-format:
	@clang-format --dry-run -Werror $(shell git ls-files '*.c' '*.h')

check-deps:
	@tools/check-deps

clean:
	rm -rf build

# ---- fuzzing (docs/testing.md#fuzzing) ----
# The library again, built by clang with coverage for libFuzzer and
# AddressSanitizer + UBSan, into its own folder; one binary per
# fuzz/fuzz_NAME.c (with its body fuzz/NAME_one.c and fuzz/common.c,
# which the tests replay the corpus through too). make fuzz runs each for FUZZ_SECONDS over a copy of its
# corpus and fails when any finds a crash.
FUZZ_SECONDS ?= 60
FUZZ_B := build/fuzz
FUZZ_CC := clang
FUZZ_CFLAGS := -std=c17 -O1 -g -fno-omit-frame-pointer \
               -fsanitize=address,undefined -fno-sanitize-recover=all \
               -D_GNU_SOURCE -Isrc $(PKG_CFLAGS) -include src/base/banned.h
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=$(FUZZ_B)/%)
FUZZ_LIB := $(FUZZ_B)/libaccord.a
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_B)/%.o)

$(FUZZ_B)/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CLANG   $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< \
	    -o $@

$(FUZZ_LIB): $(FUZZ_LIB_OBJ)
	@rm -f $@
	@$(AR) rcs $@ $^

$(FUZZ_B)/fuzz_%: fuzz/fuzz_%.c fuzz/%_one.c fuzz/common.c fuzz/fuzz.h \
                  $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	@echo "  FUZZER  $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ fuzz/fuzz_$*.c \
	    fuzz/$*_one.c fuzz/common.c $(FUZZ_LIB) $(LDLIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@tools/run-fuzz $(FUZZ_B) $(FUZZ_SECONDS)

# The bodies in the test suite, built like the tests: two tests replay
# every committed input through them (tests/unit/test_fuzz_regress.c,
# tests/http/test_fuzz_http.c), so they link the bodies too.
FUZZ_BODY_OBJ := $(patsubst %.c,$(B)/%.o,$(filter-out fuzz/fuzz_%.c, \
                                                   $(wildcard fuzz/*.c)))

$(B)/fuzz/%.o: fuzz/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(SRC_CFLAGS) -c $< -o $@

$(B)/tests/unit/test_fuzz_regress $(B)/tests/http/test_fuzz_http: %: %.o \
        $(FUZZ_BODY_OBJ) $(TEST_SUPPORT_OBJ) $(LIB)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS_$(MODE)) -o $@ $^ $(TEST_LIBS) $(LDLIBS)

-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_BODY_OBJ:.o=.d)

-include $(LIB_OBJ:.o=.d) $(B)/src/cli/main.d
