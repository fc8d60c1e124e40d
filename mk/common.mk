# Shared settings for the userspace builds. Include with TOP set to the
# repository root. Everything built lands under $(BUILD), never in the tree.
BUILD	?= $(TOP)/build
CC	?= cc
CLANG	?= clang

WARN	:= -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wformat=2 -Wvla
CFLAGS	?= -O2 -g
CFLAGS	+= -std=gnu11 $(WARN) -fPIC -D_GNU_SOURCE
CPPFLAGS += -I$(TOP)/include -I$(TOP)/include/uapi

# pkg-config's flags for every library used (OPENSSL_, CBOR_, JSONC_,
# NCURSES_, MHD_, CURL_ CFLAGS/LIBS), and the sanitizer and libFuzzer
# flags (SANFLAGS, FUZZ_FLAGS, FUZZ_CFLAGS)
include $(TOP)/mk/pkg.mk
include $(TOP)/mk/san.mk
