#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# nsm-tui's live device view against the real module: boots the VM
# runner's kernels with nsm-tui and nsmctl in the guest and runs
# guest.sh there (through tests/vm/run.sh, which packs the guest's /extra;
# tests/vm's check-vm runs this part and libnsm's in the same boot).
#
#   tui/tests/vm/run.sh [-k RELEASE]...
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
exec "$top/tests/vm/run.sh" --part tui "$@"
