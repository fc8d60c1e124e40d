#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The guest's entry point (VM runner --exec): guest.sh's results as a TAP
# document of their own - a header, then the plan once they are done -
# embedded in the VM runner's stream, whose own plan counts only its lines
# (scripts/tap-count.awk). Lines are passed on as they come, so that a
# timeout still shows how far the guest got; guest.sh's exit status is
# ours.
echo "TAP version 13"
{ sh /extra/tests-guest.sh; echo $? >/tmp/guest.rc; } | tee /tmp/guest.tap
echo "1..$(grep -cE '^(not )?ok( |$)' /tmp/guest.tap)"
exit "$(cat /tmp/guest.rc)"
