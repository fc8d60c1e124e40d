# SPDX-License-Identifier: GPL-2.0
# A synthetic suite for scripts/tests: `make check` prints the case's
# out.tap and exits with RC (default 0).
RC ?= 0
.PHONY: check
check:
	@cat out.tap; exit $(RC)
