# SPDX-License-Identifier: GPL-2.0
#
# Sanitizer builds, defined once here (included by common.mk, after WARN).

# ASan and UBSan: every test that has a plain build has one of these too.
# Any finding is fatal.
SANFLAGS	:= -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer

# libFuzzer targets (clang): the fuzzer with ASan and UBSan, any finding
# fatal. FUZZ_CFLAGS is a whole compile line's worth, the project's C
# dialect and warnings included:
#   $(CLANG) $(CPPFLAGS) $(FUZZ_CFLAGS) -o $@ fuzz_x.c ...
FUZZ_FLAGS	:= -g -O1 -fsanitize=fuzzer,address,undefined \
		   -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS	:= -std=gnu11 $(WARN) -D_GNU_SOURCE $(FUZZ_FLAGS)
