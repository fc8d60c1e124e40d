# SPDX-License-Identifier: GPL-2.0
# Man pages: one per subcommand plus nsmctl(1), rendered without warnings.

for p in nsmctl nsmctl-describe nsmctl-pcr nsmctl-random nsmctl-attest \
	 nsmctl-verify nsmctl-dump nsmctl-diff nsmctl-emu nsmctl-ca; do
	check "man page $p built" "grep -q '^\\.TH' $OUT/man/$p.1"
	check "man page $p renders cleanly" \
		"[ -z \"\$(MANWIDTH=80 groff -man -Tutf8 -ww -z $OUT/man/$p.1 2>&1)\" ]"
done
check "nsmctl(1) documents every exit code" \
	"for c in 0 1 2 3 4 5 6; do grep -q \"^\\\\\\\\fB\$c\\\\\\\\fP\" $OUT/man/nsmctl.1 || grep -q \"^\$c\$\" $OUT/man/nsmctl.1 || exit 1; done"
