# SPDX-License-Identifier: GPL-2.0
#
# The tests' fake /dev/nsm (fake_nsm.h), for the Makefiles that build it:
# lib/ (the client tests), tools/ (the fake-device nsmctl), tui/ (the
# device of the live screens, preloaded). Include after mk/common.mk.
#
#   FAKE_NSM_DEV_SRCS      the device with nsm__dev_raw(): link them
#                          instead of lib/client/dev.c
#   FAKE_NSM_PRELOAD_SRCS  the device with ioctl(): build them -shared and
#                          LD_PRELOAD the object
#   FAKE_NSM_DEPS          every file either depends on
#   FAKE_NSM_LIBS          what either links (-ldl: the preload's dlsym)

FAKE_NSM_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
include $(TOP)/kmod/core/core.mk

# the device: fake_nsm.c (which compiles tests/plat_user.c into itself),
# the whole core and the root's PEM writer
FAKE_NSM_SRCS := $(FAKE_NSM_DIR)/fake_nsm.c $(TOP)/tests/pki_pem.c \
		 $(call nsm_core_paths,$(NSM_CORE_SRCS))
FAKE_NSM_DEV_SRCS := $(FAKE_NSM_DIR)/dev.c $(FAKE_NSM_SRCS)
FAKE_NSM_PRELOAD_SRCS := $(FAKE_NSM_DIR)/preload.c $(FAKE_NSM_SRCS)
FAKE_NSM_DEPS := $(FAKE_NSM_SRCS) $(FAKE_NSM_DIR)/dev.c \
		 $(FAKE_NSM_DIR)/preload.c $(FAKE_NSM_DIR)/fake_nsm.h \
		 $(FAKE_NSM_DIR)/fake_nsm.mk $(TOP)/tests/plat_user.c \
		 $(TOP)/lib/client/client.h \
		 $(call nsm_core_paths,$(NSM_CORE_HDRS))
FAKE_NSM_LIBS := $(OPENSSL_LIBS) -lpthread -ldl
