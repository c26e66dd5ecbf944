# iotmon - build, test, install.
#
#   make            ./iotmon (optimised, -Wall -Wextra -Werror)
#   make run        set-up, build, default data, then `iotmon run` on the defaults
#   make test       set-up, build, every test (unit, sanitizers, fuzz smoke, integration)
#   make asan       build/asan/iotmon and unit tests with ASan + UBSan
#   make fuzz       libFuzzer targets in build/fuzz/ (clang)
#   make bench      benchmark programs (see bench/README.md)
#   make install    honours PREFIX and DESTDIR

VERSION := 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
SHAREDIR ?= $(PREFIX)/share/iotmon
SYSCONFDIR ?= $(PREFIX)/etc

CC ?= cc
BUILD ?= build/release
CFLAGS ?= -O2 -g
LDFLAGS ?=

PKGS := sqlite3 libpq jansson libcjson inih zlib libcrypto libssl libpcap libmaxminddb libmicrohttpd libcurl libpcre2-8 libnats libseccomp
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LIBS := $(PKG_LIBS) -lpthread -lm

ALL_CFLAGS := -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror $(CFLAGS) -Isrc $(PKG_CFLAGS) \
	-DIOTMON_VERSION='"$(VERSION)"' -DIOTMON_SHAREDIR='"$(SHAREDIR)"' -MMD -MP

LIB_SRCS := $(sort $(shell find src -name '*.c' ! -name '*_test.c' ! -name main.c))
TEST_SRCS := $(sort $(shell find src -name '*_test.c'))
FUZZ_SRCS := $(sort $(wildcard fuzz/fuzz_*.c))
BENCH_SRCS := $(sort $(wildcard bench/*/bench_*.c))

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
LIB := $(BUILD)/libiotmon.a
TESTS := $(patsubst %.c,$(BUILD)/test/%,$(notdir $(TEST_SRCS)))
BENCHES := $(patsubst %.c,$(BUILD)/bench/%,$(notdir $(BENCH_SRCS)))

SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: all run test asan tsan fuzz bench unit install uninstall clean setup data check-style
.DEFAULT_GOAL := all

all: iotmon

iotmon: $(BUILD)/iotmon
	cp $< $@

# `make V=1` shows the full commands.
Q := $(if $(V),,@)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/iotmon: $(BUILD)/obj/src/main.o $(LIB)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# Unit tests live beside their module as NAME_test.c.
vpath %_test.c $(sort $(dir $(TEST_SRCS)))
$(BUILD)/test/%: %.c $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  TEST    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags cmocka) -o $@ $< $(LIB) $(LDFLAGS) \
		$(shell pkg-config --libs cmocka) $(LIBS)

unit: $(TESTS)

vpath bench_%.c $(sort $(dir $(BENCH_SRCS)))
$(BUILD)/bench/%: %.c $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  BENCH   $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(LIBS)

bench: all $(BENCHES)

asan:
	$(MAKE) BUILD=build/asan CFLAGS="$(SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" \
		build/asan/iotmon unit

# ThreadSanitizer over the unit tests (the telescope's helper threads, the
# store's writer thread, the daemon's services).
tsan:
	$(MAKE) BUILD=build/tsan CFLAGS="-O1 -g -fsanitize=thread" LDFLAGS="-fsanitize=thread" unit

# libFuzzer: the library is built with clang and coverage instrumentation,
# each fuzz/fuzz_NAME.c becomes build/fuzz/fuzz_NAME.
FUZZ_FLAGS := -O1 -g -fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer
fuzz:
	$(MAKE) BUILD=build/fuzz CC=clang CFLAGS="$(FUZZ_FLAGS)" build/fuzz/libiotmon.a \
		$(patsubst fuzz/%.c,build/fuzz/bin/%,$(FUZZ_SRCS))

build/fuzz/bin/%: fuzz/%.c build/fuzz/libiotmon.a
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  FUZZ    $@")
	$(Q)clang $(ALL_CFLAGS) -fsanitize=address,undefined,fuzzer -o $@ $< build/fuzz/libiotmon.a $(LIBS)

setup:
	./scripts/setup.sh

data: iotmon
	./scripts/data.sh

run: setup
	$(MAKE) all
	./scripts/data.sh
	./scripts/run-default.sh

test: setup
	$(MAKE) all unit
	$(MAKE) asan
	$(MAKE) tsan
	$(MAKE) fuzz
	./scripts/data.sh
	./tests/run.sh

check-style:
	./scripts/check-style.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(SHAREDIR) $(DESTDIR)$(SYSCONFDIR)/iotmon
	install -m 755 iotmon $(DESTDIR)$(BINDIR)/iotmon
	install -m 644 docs/iotmon.1 $(DESTDIR)$(MANDIR)/man1/iotmon.1
	install -m 644 etc/iotmon.conf $(DESTDIR)$(SYSCONFDIR)/iotmon/iotmon.conf.example
	install -d -m 755 $(DESTDIR)$(SYSCONFDIR)/iotmon/examples $(DESTDIR)$(SYSCONFDIR)/iotmon/examples/nats
	install -m 644 etc/sensor.conf etc/collector.conf $(DESTDIR)$(SYSCONFDIR)/iotmon/examples/
	install -m 644 etc/nats/*.conf $(DESTDIR)$(SYSCONFDIR)/iotmon/examples/nats/
	cp -R data/. $(DESTDIR)$(SHAREDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/iotmon $(DESTDIR)$(MANDIR)/man1/iotmon.1
	rm -rf $(DESTDIR)$(SYSCONFDIR)/iotmon/examples
	rm -rf $(DESTDIR)$(SHAREDIR)

clean:
	rm -rf build iotmon

-include $(shell find build -name '*.d' -type f 2>/dev/null)
