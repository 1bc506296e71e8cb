# st - structured streaming for the shell.
#
#   make            build every tool into bin/ (warnings are errors)
#   make check      build with ASan+UBSan and run unit and end-to-end tests
#   make bench      run the benchmark suite (see bench/README)
#   make fuzz       run every libFuzzer target FUZZ_TIME seconds (60)
#   make install    install tools, man pages and completions (PREFIX, DESTDIR)
#   make demo       run the demo pipeline of the README
#   make demo-chart a live chart page (and its screenshot, with chromium)
#
# Sources are found by pattern: a new lib/**/*.c joins the library and a new
# bin/st-*.c becomes a tool, with no edit here.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d

CC ?= cc
CFLAGS ?= -O2 -g
STD_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-Wall -Wextra -Werror -Wno-missing-field-initializers -iquote lib -MMD -MP \
	$(PG_CFLAGS)
PG_CFLAGS := $(shell pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql)
LDLIBS = -ljansson -lcsv -lsqlite3 -lrdkafka -lpq -lavro -lz -lm -lpthread
ASAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm)

LIB_SRC := $(sort $(wildcard lib/*.c lib/*/*.c))
BIN_SRC := $(sort $(wildcard bin/st-*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/check_*.c))
TOOLS := $(BIN_SRC:.c=)

LIB_OBJ := $(LIB_SRC:%.c=build/obj/%.o)
ASAN_LIB_OBJ := $(LIB_SRC:%.c=build/asan/obj/%.o)
ASAN_TOOLS := $(BIN_SRC:bin/%.c=build/asan/bin/%)
UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=build/asan/unit/%)

# Fuzzing: tests/fuzz/fuzz_NAME.c is a libFuzzer target, linked with the
# library built by clang with coverage and sanitizers (see tests/fuzz/run.sh
# for the pattern: seeds in tests/fuzz/seeds/NAME, tests/fuzz/NAME.dict).
FUZZ_CC ?= clang-14
FUZZ_TIME ?= 60
FUZZ_FLAGS = -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=build/fuzz/obj/%.o)

# Keep objects of the bin/ chain rules (make would delete them as
# intermediates and rebuild them every time).
.SECONDARY:

.PHONY: all print-ldlibs check unit e2e asan bench install uninstall clean demo demo-chart deps lint \
	fuzz fuzz-build
all: $(TOOLS)

build/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(STD_CFLAGS) $(CFLAGS) -c -o $@ $<

build/libst.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

bin/st-%: build/obj/bin/st-%.o build/libst.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The sanitizer build used by the tests.
build/asan/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(STD_CFLAGS) $(ASAN_FLAGS) -c -o $@ $<

build/asan/libst.a: $(ASAN_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/asan/bin/st-%: build/asan/obj/bin/st-%.o build/asan/libst.a
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

build/asan/unit/%: build/asan/obj/tests/unit/%.o build/asan/libst.a
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_FLAGS) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)

# Programs the tests run (tests/*.c): the Kafka mock broker.
TEST_HELPERS := build/tests/kafka-mock

build/tests/%: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(STD_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< -lrdkafka

asan: $(ASAN_TOOLS) $(TEST_HELPERS)

build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(filter-out -Werror,$(STD_CFLAGS)) $(FUZZ_FLAGS) -c -o $@ $<

build/fuzz/libst.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/fuzz/fuzz_%: build/fuzz/obj/tests/fuzz/fuzz_%.o build/fuzz/libst.a
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^ $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

fuzz: deps fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_TIME) build/fuzz/corpus $(FUZZ_BINS)

# make check: what CI runs. deps.sh installs missing packages (or says how).
check: deps
	@$(MAKE) --no-print-directory -j2 all asan $(UNIT_BINS) $(FUZZ_BINS)
	@sh tests/run-all.sh

unit: $(UNIT_BINS)
	@sh tests/run-all.sh unit

e2e: all asan
	@sh tests/run-all.sh e2e

deps:
	@sh scripts/deps.sh

bench: all
	@sh scripts/deps.sh bench
	@sh bench/run.sh

# The libraries every tool links, for bench/run.sh and tests/t9500.
print-ldlibs:
	@echo $(LDLIBS)

demo: deps
	@$(MAKE) --no-print-directory all
	@sh examples/demo.sh

demo-chart: deps
	@$(MAKE) --no-print-directory all
	@sh examples/chart.sh st-chart

lint:
	@for m in man/*.[0-9]; do mandoc -T lint -W warning "$$m" || exit 1; done

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	for t in $(TOOLS); do install -m 755 $$t $(DESTDIR)$(BINDIR); done
	for m in man/*.1; do install -m 644 $$m $(DESTDIR)$(MANDIR)/man1; done
	for m in man/*.7; do install -m 644 $$m $(DESTDIR)$(MANDIR)/man7; done
	for c in completions/bash/*; do install -m 644 $$c $(DESTDIR)$(BASHCOMPDIR); done
	for c in completions/zsh/*; do install -m 644 $$c $(DESTDIR)$(ZSHCOMPDIR); done
	for c in completions/fish/*; do install -m 644 $$c $(DESTDIR)$(FISHCOMPDIR); done

uninstall:
	for t in $(TOOLS); do rm -f $(DESTDIR)$(BINDIR)/$${t#bin/}; done
	for m in man/*.1; do rm -f $(DESTDIR)$(MANDIR)/man1/$${m#man/}; done
	for m in man/*.7; do rm -f $(DESTDIR)$(MANDIR)/man7/$${m#man/}; done
	for c in completions/bash/*; do rm -f $(DESTDIR)$(BASHCOMPDIR)/$${c##*/}; done
	for c in completions/zsh/*; do rm -f $(DESTDIR)$(ZSHCOMPDIR)/$${c##*/}; done
	for c in completions/fish/*; do rm -f $(DESTDIR)$(FISHCOMPDIR)/$${c##*/}; done

clean:
	rm -rf build tests/trash $(TOOLS)

-include $(shell find build -name '*.d' 2>/dev/null)
