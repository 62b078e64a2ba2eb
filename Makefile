# Build into build/ (or $(B) for variants: make asan uses build-asan/).
B ?= build
CC ?= gcc
OPT ?= -O2
SAN ?=
CFLAGS := -std=gnu11 $(OPT) -g -Wall -Wextra -Werror -Wno-unused-parameter \
          -Wno-missing-field-initializers -D_GNU_SOURCE -I. $(SAN) $(EXTRA_CFLAGS)
LDFLAGS := $(SAN)
LIBS := -lseccomp -lcap -lpthread

LIB_SRC := $(wildcard lib/*.c platform/*.c platform/ptrace/*.c \
             sentry/*.c sentry/*/*.c gofer/*.c netstack/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(B)/obj/%.o)
SBX_SRC := $(wildcard runsc-c/*.c)
SBX_OBJ := $(SBX_SRC:%.c=$(B)/obj/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/unit/%)

.PHONY: all deps test unit conformance e2e security demo bench asan clean
all: $(B)/sbx

deps:
	@scripts/deps.sh

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	@$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(B)/libsbx.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/sbx: $(SBX_OBJ) $(B)/libsbx.a
	$(CC) $(LDFLAGS) -o $@ $(SBX_OBJ) $(B)/libsbx.a $(LIBS)

$(B)/unit/%: tests/unit/%.c $(B)/libsbx.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(B)/libsbx.a $(LIBS) -lcriterion

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t --jobs 1; done

conformance: $(B)/sbx
	@tests/conformance/run.sh $(B)

e2e: $(B)/sbx
	@tests/e2e/run.sh $(B)

security: $(B)/sbx
	@tests/security/run.sh $(B)

test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory conformance
	@$(MAKE) --no-print-directory e2e
	@$(MAKE) --no-print-directory security
	@echo "== sanitizers (ASan + UBSan): unit, conformance and security again"
	@$(MAKE) --no-print-directory asan

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh $(B)

bench: deps
	@$(MAKE) --no-print-directory all
	@bench/run.sh $(B)

asan: deps
	@$(MAKE) --no-print-directory B=build-asan OPT=-O1 \
	    SAN="-fsanitize=address,undefined -fno-omit-frame-pointer" \
	    EXTRA_CFLAGS=-DSB_ASAN all unit conformance security

clean:
	rm -rf build build-asan

-include $(LIB_OBJ:.o=.d) $(SBX_OBJ:.o=.d)
