# jiesu — build, run and test.
#
#   make run     install what is missing, start Redis + PostgreSQL under var/,
#                migrate, start the four services, import the sample, show the result
#   make test    build with AddressSanitizer + UBSan, run unit and integration tests
#   make bench   benchmarks, printed as ratios against a reference run alongside
#   make fuzz    libFuzzer on the file readers, row validation, masking and routing, FUZZ_SECONDS (30) each
#                (make fuzz-seeds: the committed seeds only, as make test does)
#   make stop    stop everything `make run` started
#
# MODE=release (default) builds into build/release, MODE=san into build/san.

MODE    ?= release
# run, test and bench build on every core unless make was given -j (read when
# the recipe runs: MAKEFLAGS holds -j only then)
JOBS     = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(shell nproc 2>/dev/null || echo 1))
SERVICES := intake assignment escalation reporting
BUILD   := build/$(MODE)
CC      ?= gcc
PKGS    := libzmq libprotobuf-c hiredis libpq libmicrohttpd libcurl libzip expat xlsxwriter libcrypto libsodium
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers
CFLAGS  := -std=c11 -D_GNU_SOURCE -g $(WARN) -Icommon -I$(BUILD)/proto \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -I/usr/include/postgresql
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -llinear -lm -lpthread
ifeq ($(MODE),san)
CFLAGS  += -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
else
CFLAGS  += -O2
endif

PROTO_C  := $(BUILD)/proto/jiesu.pb-c.c
PROTO_H  := $(BUILD)/proto/jiesu.pb-c.h
COMMON_O := $(patsubst %.c,$(BUILD)/%.o,$(wildcard common/*.c)) $(BUILD)/proto/jiesu.pb-c.o
COMMON_A := $(BUILD)/libjiesu.a

# Every service: main.c wires up, the other files are its modules (lib<svc>.a).
# A service's files see common/, their own directory and what it USES, no
# other service's headers: a wrong include fails to compile.
define service_rules
$(BUILD)/services/$(1)/%.o: CFLAGS += $$(addprefix -Iservices/,$(1) $$($(1)_USES))
$(1)_MODS := $$(filter-out services/$(1)/main.c,$$(wildcard services/$(1)/*.c))
$(BUILD)/lib$(1).a: $$(patsubst %.c,$(BUILD)/%.o,$$($(1)_MODS))
	@mkdir -p $$(@D); rm -f $$@; ar rcs $$@ $$^
$(BUILD)/bin/$(2): $(BUILD)/services/$(1)/main.o $(BUILD)/lib$(1).a $$(addprefix $(BUILD)/lib,$$(addsuffix .a,$$($(1)_USES))) $(COMMON_A)
	@mkdir -p $$(@D); $(CC) $(LDFLAGS) -o $$@ $$^ $(LDLIBS)
endef
# The jiesu tool prints the street summary's JSON with reporting's writer.
cli_USES := reporting
# Routing learns from historical exports read as intake reads imports.
assignment_USES := intake
$(foreach s,$(SERVICES),$(eval $(call service_rules,$(s),jiesu-$(s))))
$(eval $(call service_rules,cli,jiesu))

BINS     := $(foreach s,$(SERVICES),$(BUILD)/bin/jiesu-$(s)) $(BUILD)/bin/jiesu
# Tests and tools reach into every service's modules.
$(BUILD)/tests/%.o: CFLAGS += $(addprefix -Iservices/,$(SERVICES) cli)
SVC_LIBS := $(foreach s,cli assignment escalation reporting intake,$(BUILD)/lib$(s).a)   # users before what they use
UNIT     := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
TOOLS    := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(wildcard tests/tools/*.c))

.PHONY: all deps run stop test unit-tests bench fuzz fuzz-seeds clean
.SECONDEXPANSION:
all: $(BINS) $(TOOLS)

deps:
	@scripts/deps.sh

$(PROTO_C) $(PROTO_H) &: proto/jiesu.proto
	@mkdir -p $(BUILD)/proto
	protoc-c --proto_path=proto --c_out=$(BUILD)/proto $<

$(BUILD)/proto/jiesu.pb-c.o: $(PROTO_C)
	$(CC) $(filter-out -Wshadow -Wstrict-prototypes,$(CFLAGS)) -Wno-unused-parameter -c -o $@ $<

$(BUILD)/%.o: %.c $(PROTO_H)
	@mkdir -p $(@D)
	@echo "  CC  $<"; $(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(COMMON_A): $(COMMON_O)
	@mkdir -p $(@D); rm -f $@; ar rcs $@ $^

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(SVC_LIBS) $(COMMON_A)
	@mkdir -p $(@D); $(CC) $(LDFLAGS) -o $@ $< $(SVC_LIBS) $(COMMON_A) $(LDLIBS) -lcmocka

$(BUILD)/tools/%: $(BUILD)/tests/tools/%.o $(SVC_LIBS) $(COMMON_A)
	@mkdir -p $(@D); $(CC) $(LDFLAGS) -o $@ $< $(SVC_LIBS) $(COMMON_A) $(LDLIBS)

run: deps
	@$(MAKE) --no-print-directory $(JOBS) MODE=release all
	@scripts/run.sh

stop:
	@scripts/run.sh stop

test: deps
	@$(MAKE) --no-print-directory $(JOBS) MODE=release all
	@$(MAKE) --no-print-directory $(JOBS) MODE=san all unit-tests
	@tests/run.sh build/san

unit-tests: $(UNIT)

bench: deps
	@$(MAKE) --no-print-directory $(JOBS) MODE=release all
	@tests/bench/run.sh build/release $(BENCH)

# libFuzzer (clang): the CSV reader and its encoding detection, the XLSX
# reader, row validation and date parsing, masking and the text utilities,
# the holiday-cn reader, routing's decision, import profiles, district boundaries. Each target runs FUZZ_SECONDS; its
# corpus grows under var/fuzz from the seeds committed in tests/fuzz/corpus_*.
FUZZ_SECONDS ?= 30
FUZZ_TARGETS := csv xlsx row text holidays route profile geo
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
              $(WARN) -Icommon -Iservices/intake -Iservices/assignment -Iservices/cli
fuzz_csv_SRCS  := services/intake/csv_reader.c services/intake/csv_decode.c services/intake/csv_sniff.c common/text.c
fuzz_xlsx_SRCS := services/intake/xlsx_reader.c services/intake/xlsx_styles.c services/intake/intake_buf.c common/text.c
fuzz_xlsx_LIBS := $(shell pkg-config --libs libzip expat 2>/dev/null)
fuzz_row_SRCS  := services/intake/intake_row.c services/intake/intake_dates.c services/intake/intake_columns.c \
                  services/intake/intake_profile.c services/intake/intake_json.c services/intake/csv_reader.c \
                  services/intake/csv_decode.c services/intake/csv_sniff.c common/civil.c common/clock.c common/db.c common/json.c common/log.c common/text.c
fuzz_row_LIBS  := -lpq -lm
fuzz_text_SRCS := common/mask.c common/text.c
fuzz_holidays_SRCS := common/holidays.c common/calendar.c common/civil.c common/config.c common/config_keys.c common/db.c common/proxies.c \
                      common/sqlarr.c common/clock.c common/log.c common/text.c
fuzz_holidays_LIBS := -lpq -lm
fuzz_route_SRCS := $(addprefix services/assignment/,route_decide.c route_places.c route_places_match.c route_ac.c \
                       route_category.c route_conduct.c route_geo.c route_history.c route_juris.c route_model.c \
                       route_say.c route_mem.c) \
                   services/cli/cli_seed.c common/db.c common/clock.c common/log.c common/text.c
fuzz_route_LIBS := -lpq -lm
fuzz_geo_SRCS := services/assignment/route_geo.c services/assignment/route_mem.c common/text.c
fuzz_profile_SRCS := services/intake/intake_profile.c services/intake/intake_dates.c services/intake/intake_columns.c \
                     services/intake/intake_json.c services/intake/csv_decode.c services/intake/csv_sniff.c common/civil.c common/clock.c \
                     common/json.c common/text.c
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $$(fuzz_%_SRCS)
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) -I/usr/include/postgresql -o $@ $^ $(fuzz_$*_LIBS)

fuzz: $(addprefix build/fuzz/fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p var/fuzz/corpus_$$t var/fuzz/crashes; \
	    echo "== fuzz_$$t ($(FUZZ_SECONDS) s)"; \
	    build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -print_final_stats=1 \
	        -artifact_prefix=var/fuzz/crashes/$$t- var/fuzz/corpus_$$t tests/fuzz/corpus_$$t || exit 1; \
	done

# The committed seeds alone, no fuzzing (make test runs it): every target
# still builds, and every seed (inputs that once crashed among them) runs clean.
fuzz-seeds: $(addprefix build/fuzz/fuzz_,$(FUZZ_TARGETS))
	@mkdir -p var/fuzz/crashes; for t in $(FUZZ_TARGETS); do \
	    build/fuzz/fuzz_$$t -runs=0 -max_len=8192 -artifact_prefix=var/fuzz/crashes/$$t- tests/fuzz/corpus_$$t || exit 1; \
	done

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
