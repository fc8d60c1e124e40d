# SPDX-License-Identifier: GPL-2.0
#
# nsm-emu: an emulated AWS Nitro Security Module (/dev/nsm) for any Linux.
#
#   make               userspace: libnsm, nsmctl, nsm-tui, nsm-kmsd
#   make module        the kernel module for the running kernel
#                      (KERNELRELEASE=<version> or KDIR=<dir> for another)
#   make module-install / dkms-install
#   make deb           Debian packages into build/deb/ (debian/, dpkg-buildpackage):
#                      nsm-emu-dkms, libnsm1, libnsm-dev, libnsm-verify0,
#                      libnsm-verify-dev, nsm-tools
#   make run           the main job: build, start the emulator, show it working
#   make check         every test (installs what is missing)
#   make check-debug   the module under KASAN, lockdep, kmemleak, UBSAN and
#                      fault injection (builds a debug kernel once; part of
#                      make check)
#   make check-kcsan   the concurrency tests under KCSAN (its own kernel)
#   make bench         benchmarks, numbers printed
#   make fuzz          every libFuzzer target, FUZZ_SECONDS=N each (default
#                      600): the core's request decoder, provisioning, DER and
#                      X.509, documents verified by libnsm, libnsm's parser and
#                      EIF reader, nsm-kmsd; executions per target, exit 1 on
#                      a finding (FUZZ_TARGETS="fuzz_pki ..." picks some;
#                      Documentation/fuzzing.rst)
#   make ct-check      constant-time check of the P-384 signer under valgrind,
#                      gcc and clang, 64-bit and -m32
#   make style         kernel style of kmod/: checkpatch.pl --strict, sparse and
#                      W=1 on every installed kernel, kernel-doc (style-tap: TAP)

TOP		:= $(CURDIR)
KERNELRELEASE	?= $(shell uname -r)
KDIR		?= /lib/modules/$(KERNELRELEASE)/build
PREFIX		?= /usr/local
export TOP

USER_DIRS	:= lib tools tui kmsd

.PHONY: all deps module check-kdir module-install dkms-install run check bench fuzz \
	ct-check style style-tap check-run check-debug check-kcsan clean install deb \
	$(USER_DIRS)

all: $(USER_DIRS)

lib:
	$(MAKE) -C lib
tools tui kmsd: lib
	$(MAKE) -C $@

deps:
	@scripts/deps.sh

module: check-kdir
	$(MAKE) -C $(KDIR) M=$(TOP) W=$(or $(W),1) modules

# A clear word instead of kbuild's "No such file or directory".
check-kdir:
	@test -f $(KDIR)/Makefile || { \
		echo "error: no kernel build tree at $(KDIR)" >&2; \
		echo "hint: install linux-headers-$(KERNELRELEASE), or pass KDIR=<dir> or KERNELRELEASE=<version>;" >&2; \
		echo "      installed: $$(ls -d /usr/src/linux-headers-* 2>/dev/null | grep -v common | tr '\n' ' ')" >&2; \
		exit 2; }

module-install: module
	$(MAKE) -C $(KDIR) M=$(TOP) modules_install
	depmod -a $(KERNELRELEASE)

dkms-install:
	scripts/dkms-install.sh

install: all
	$(MAKE) -C lib install PREFIX=$(PREFIX)
	$(MAKE) -C tools install PREFIX=$(PREFIX)
	$(MAKE) -C tui install PREFIX=$(PREFIX)
	$(MAKE) -C kmsd install PREFIX=$(PREFIX)
	$(MAKE) -C tools/nsm-vm install PREFIX=$(PREFIX)

# Documentation/packaging.rst; the packages land in $(BUILD)/deb, not in ..
deb: deps
	@scripts/deb.sh

run: deps
	@scripts/run.sh

check: deps
	@scripts/run-checks.sh

bench: deps
	@scripts/bench.sh

fuzz: deps
	@fuzz/all.sh $(or $(FUZZ_SECONDS),600)

ct-check: deps
	$(MAKE) -C tests/crypto ct-check

style: deps
	@scripts/style.sh

style-tap: deps
	@scripts/style.sh --tap

# `make run` as a test (a suite of `make check`): TAP on stdout.
check-run: deps
	@scripts/check-run.sh

# Debug kernels (selftests/vm/check-debug.sh, Documentation/selftests.rst):
# TAP on stdout, a closing "N passed, M failed".
check-debug: deps
	@selftests/vm/check-debug.sh kasan

check-kcsan: deps
	@selftests/vm/check-debug.sh kcsan

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null
	rm -rf build
