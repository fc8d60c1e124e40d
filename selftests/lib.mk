# SPDX-License-Identifier: GPL-2.0
SHELL := /bin/bash
#
# A minimal stand-in for the kernel's tools/testing/selftests/lib.mk, so
# that the suites under selftests/ build and run out of a kernel tree with
# the same Makefiles: `make -C selftests/drivers/nsm [run_tests]`. Inside a
# kernel tree (tools/testing/selftests/drivers/nsm/) the kernel's own lib.mk
# takes this file's place.
#
# Out of tree the programs link statically (-static -pthread) so that they
# run in the VM runner's busybox initramfs, and build under the project's
# warning flags into build/selftests/<dir>/, never into the source tree.

SELFTESTS_TOP	:= $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
TOP		?= $(abspath $(SELFTESTS_TOP)/..)
include $(TOP)/mk/common.mk

KHDR_INCLUDES	?= -I$(TOP)/include/uapi
OUTPUT		?= $(BUILD)/selftests/$(patsubst $(SELFTESTS_TOP)/%,%,$(CURDIR))
LDFLAGS		+= -static -pthread

TEST_GEN_PROGS		:= $(patsubst %,$(OUTPUT)/%,$(TEST_GEN_PROGS))
TEST_GEN_PROGS_EXTENDED	:= $(patsubst %,$(OUTPUT)/%,$(TEST_GEN_PROGS_EXTENDED))
TEST_GEN_FILES		:= $(patsubst %,$(OUTPUT)/%,$(TEST_GEN_FILES))

.PHONY: all run_tests clean
.DEFAULT_GOAL := all

all: $(TEST_GEN_PROGS) $(TEST_GEN_PROGS_EXTENDED) $(TEST_GEN_FILES)

$(OUTPUT):
	@mkdir -p $@

$(OUTPUT)/%: %.c $(LOCAL_HDRS) | $(OUTPUT)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(filter-out $(LOCAL_HDRS),$^) $(LDLIBS) -o $@

# Like kselftest's runner: each program's KTAP nested under one line of its
# own; exit status 4 (skip) is not a failure.
run_tests: all
	@fail=0; n=0; set -- $(TEST_GEN_PROGS) $(TEST_PROGS); \
	echo "TAP version 13"; echo "1..$$#"; \
	for t in "$$@"; do \
		n=$$((n + 1)); name=$$(basename $$t); \
		echo "# selftests: $(notdir $(CURDIR)): $$name"; \
		$$t 2>&1 | sed 's/^/  /'; rc=$${PIPESTATUS[0]}; \
		case $$rc in \
		0) echo "ok $$n $$name";; \
		4) echo "ok $$n $$name # SKIP";; \
		*) echo "not ok $$n $$name # exit=$$rc"; fail=1;; \
		esac; \
	done; exit $$fail

clean:
	rm -f $(TEST_GEN_PROGS) $(TEST_GEN_PROGS_EXTENDED) $(TEST_GEN_FILES)
