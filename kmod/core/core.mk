# SPDX-License-Identifier: GPL-2.0
#
# The portable core's files, listed once: kmod/Kbuild builds the module
# from them, and every userspace build of the core (lib/, tools/, tui/,
# tests/, fuzz/) takes its sources from here. Shipped with the module's
# sources (DKMS, nsm-emu-dkms).
#
# Names are relative to this directory. NSM_CORE_DIR is this directory as
# it was included ($(src)/core in Kbuild, $(TOP)/kmod/core in userspace);
# $(call nsm_core_paths,$(NSM_CORE_P384)) gives the paths.

NSM_CORE_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
nsm_core_paths = $(addprefix $(NSM_CORE_DIR)/,$(1))

# ECDSA P-384 verification's arithmetic: the field, the points, the
# generator's table (GPL-2.0 OR LGPL-2.1-or-later; libnsm-verify links it)
NSM_CORE_P384_VERIFY	:= p384_mod.c p384_point.c p384_table.c
NSM_CORE_P384_VERIFY_HDRS := platform.h p384_int.h p384_limbs.h
# the signer: the above, ECDSA signatures with RFC 6979 nonces, HMAC-SHA384
NSM_CORE_P384		:= p384.c $(NSM_CORE_P384_VERIFY) hmac_sha384.c
NSM_CORE_P384_HDRS	:= $(NSM_CORE_P384_VERIFY_HDRS) p384.h hmac_sha384.h
# the protocol: CBOR, requests and their answers, an instance's state
NSM_CORE_PROTO		:= cbor.c proto.c emu.c
# attestation documents, the PKI, DER and X.509
NSM_CORE_ATTEST		:= attest.c pki.c x509.c der.c

# all of it: the module, and the emulator in userspace
NSM_CORE_SRCS		:= $(NSM_CORE_PROTO) $(NSM_CORE_ATTEST) $(NSM_CORE_P384)
NSM_CORE_HDRS		:= attest.h cbor.h der.h nsm_core.h pki.h x509.h \
			   $(NSM_CORE_P384_HDRS)

# A file added to the directory but not here would be left out of every
# build, and one listed here but gone would break them all: say which.
nsm_core_listed := $(NSM_CORE_SRCS) $(NSM_CORE_HDRS)
nsm_core_found := $(notdir $(wildcard $(NSM_CORE_DIR)/*.[ch]))
ifneq ($(sort $(nsm_core_listed)),$(sort $(nsm_core_found)))
$(error $(NSM_CORE_DIR)/core.mk: not listed: $(filter-out $(nsm_core_listed),$(nsm_core_found)); listed, not there: $(filter-out $(nsm_core_found),$(nsm_core_listed)))
endif
