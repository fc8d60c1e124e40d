# SPDX-License-Identifier: GPL-2.0
#
# Every library the userspace builds find through pkg-config, looked up
# once here (included by common.mk): NAME_CFLAGS and NAME_LIBS. Without
# pkg-config or the library's .pc file, no extra cflags and the plain -l
# flags, so a build still gets as far as the missing header.

# pkg_cflags PKG / pkg_libs PKG,FALLBACK
pkg_cflags = $(shell pkg-config --cflags $(1) 2>/dev/null)
pkg_libs = $(shell pkg-config --libs $(1) 2>/dev/null || echo $(2))

OPENSSL_CFLAGS	:= $(call pkg_cflags,libcrypto)
OPENSSL_LIBS	:= $(call pkg_libs,libcrypto,-lcrypto)
CBOR_CFLAGS	:= $(call pkg_cflags,libcbor)
CBOR_LIBS	:= $(call pkg_libs,libcbor,-lcbor)
# libnsm-verify, nsmctl, nsm-tui, nsm-kmsd
JSONC_CFLAGS	:= $(call pkg_cflags,json-c)
JSONC_LIBS	:= $(call pkg_libs,json-c,-ljson-c)
# nsm-tui's terminal backend
NCURSES_CFLAGS	:= $(call pkg_cflags,ncursesw)
NCURSES_LIBS	:= $(call pkg_libs,ncursesw,-lncursesw -ltinfo)
# nsm-kmsd's HTTP server
MHD_CFLAGS	:= $(call pkg_cflags,libmicrohttpd)
MHD_LIBS	:= $(call pkg_libs,libmicrohttpd,-lmicrohttpd)
# nsmctl kms's HTTP client
CURL_CFLAGS	:= $(call pkg_cflags,libcurl)
CURL_LIBS	:= $(call pkg_libs,libcurl,-lcurl)
