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

# Sanitizer build flags (tests are run with and without them).
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -fno-omit-frame-pointer

OPENSSL_CFLAGS	:= $(shell pkg-config --cflags libcrypto 2>/dev/null)
OPENSSL_LIBS	:= $(shell pkg-config --libs libcrypto 2>/dev/null || echo -lcrypto)
CBOR_CFLAGS	:= $(shell pkg-config --cflags libcbor 2>/dev/null)
CBOR_LIBS	:= $(shell pkg-config --libs libcbor 2>/dev/null || echo -lcbor)
