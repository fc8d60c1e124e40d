# SPDX-License-Identifier: GPL-2.0
# Man pages: one per subcommand plus nsmctl(1), rendered without warnings.

for p in nsmctl nsmctl-describe nsmctl-pcr nsmctl-random nsmctl-attest \
	 nsmctl-verify nsmctl-dump nsmctl-diff nsmctl-emu nsmctl-ca; do
	check "man page $p built" "grep -q '^\\.TH' $OUT/man/$p.1"
	if command -v groff >/dev/null; then
		check "man page $p renders cleanly" \
			"[ -z \"\$(MANWIDTH=80 groff -man -Tutf8 -ww -z $OUT/man/$p.1 2>&1)\" ]"
	else
		skip "man page $p renders cleanly" "groff not installed"
	fi
done
# Each exit code of nsmctl.h's enum has its entry in nsmctl(1).
codes=$(sed -n 's/^\tNSMCTL_[A-Z]*\t*= \([0-9]*\),.*/\1/p' $TOP/tools/nsmctl.h)
check "nsmctl.h defines exit codes 0-6" "[ \"\$(echo \$codes)\" = '0 1 2 3 4 5 6' ]"
for c in $codes; do
	check "nsmctl(1) documents exit code $c" "grep -qF '.B \\fB$c\\fP' $OUT/man/nsmctl.1"
done
