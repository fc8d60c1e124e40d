# SPDX-License-Identifier: GPL-2.0
#
# Count the TAP/KTAP output of one suite for scripts/run-checks.sh.
#
#   awk -v strict=0|1 -f tap-count.awk SUITE.log
#
# Only top-level lines count (column 0); indented KTAP subtests roll up
# into their parent's line. Output, one record per line:
#   S<TAB>name<TAB>reason   a skipped test (or a skipped document, 1..0 # SKIP)
#   E<TAB>message           a failure the stream itself does not report
#   N<TAB>message           a note (an unexpectedly passing TODO)
#   C<TAB>pass<TAB>fail<TAB>skip  the counts, last
#
# The rules:
#   ok            passed
#   not ok        failed
#   ok # SKIP r   skipped, reason r        (also "not ok # SKIP", as TAP says)
#   not ok # TODO r, ok # XFAIL r
#                 an expected failure: it did not pass, so it is counted
#                 with the skips (reason "TODO: r"), visible in the summary
#   ok # TODO r   passed, with a note that the TODO can go
#   Bail out!     a failure
#   1..N          the plan of the current document; every document (tests
#                 since "TAP version", or since the previous plan) must have
#                 one and run exactly N tests, else one more failure.
#   1..0 # SKIP r a whole document skipped: one skip.
# A "TAP version" line inside a document that has tests but no plan yet
# opens an embedded document (a program's TAP merged into a runner's, as
# the VM runner does); the outer document's plan counts only its own tests.
# In strict mode (a required suite) every skip is a failure instead, but
# for the one a clone without the third-party data must be able to take:
# a skip whose reason begins "no third-party test data" (README.md).

function open_doc() {
	d++
	ntest[d] = 0
	plan[d] = -1
	first[d] = NR
}

function check_doc(   what) {
	if (ntest[d] == 0 && plan[d] < 0)
		return
	what = "TAP document at line " first[d]
	if (plan[d] < 0)
		err(what ": " ntest[d] " test(s) but no plan")
	else if (plan[d] != ntest[d])
		err(what ": plan 1.." plan[d] " but " ntest[d] " test(s) ran")
}

# close the current document; keep an implicit one open at the top
function close_doc() {
	check_doc()
	d--
	if (d == 0)
		open_doc()
}

function err(msg) {
	printf "E\t%s\n", msg
	fail++
}

function skip(name, reason) {
	if (strict && reason !~ /^no third-party test data/) {
		err("skipped in a required suite: " name " (" reason ")")
		return
	}
	printf "S\t%s\t%s\n", name, reason
	nskip++
}

# the directive of a test line: "skip", "todo" or "" (sets dreason)
function directive(line,    l, i, rest, word) {
	l = tolower(line)
	dreason = ""
	if (!match(l, /[ \t]#[ \t]*(skip|todo|xfail)/))
		return ""
	rest = substr(line, RSTART + RLENGTH)
	word = substr(l, RSTART, RLENGTH)
	sub(/^[^ \t]*/, "", rest)	# "SKIPPED:" and the like
	sub(/^[: \t]+/, "", rest)
	dreason = rest
	if (word ~ /skip/)
		return "skip"
	return "todo"
}

# "ok 12 - name # SKIP why" -> "12 - name"
function testname(line) {
	sub(/^(not )?ok[ \t]*/, "", line)
	sub(/[ \t]#[ \t]*([Ss][Kk][Ii][Pp]|[Tt][Oo][Dd][Oo]|[Xx][Ff][Aa][Ii][Ll]).*$/, "", line)
	return line
}

BEGIN {
	d = 0
	open_doc()
	pass = fail = nskip = 0
}

{ sub(/\r$/, "") }

/^(TAP|KTAP) version/ {
	if (ntest[d] == 0 && plan[d] < 0) {
		first[d] = NR
	} else if (plan[d] >= 0) {
		close_doc()
		if (ntest[d] == 0 && plan[d] < 0)
			first[d] = NR
		else
			open_doc()
	} else {
		open_doc()		# embedded
	}
	next
}

/^1\.\.[0-9]+/ {
	n = $0
	sub(/^1\.\./, "", n)
	sub(/[^0-9].*$/, "", n)
	n += 0
	if (plan[d] >= 0)		# a second plan: the first document ended
		close_doc()
	if (n == 0 && ntest[d] == 0) {
		if (directive(" " substr($0, 5)) == "skip" || $0 ~ /#/) {
			skip("(whole document)", dreason != "" ? dreason : "no reason given")
		} else {
			err("TAP document at line " NR ": plan 1..0 without a SKIP reason")
		}
		plan[d] = 0
		close_doc()
		next
	}
	plan[d] = n
	if (ntest[d] > 0)		# trailing plan: the document is complete
		close_doc()
	next
}

/^(not )?ok([ \t]|$)/ {
	ntest[d]++
	dir = directive($0)
	name = testname($0)
	if (dir == "skip") {
		skip(name, dreason != "" ? dreason : "no reason given")
	} else if (dir == "todo" && $0 ~ /^not ok/) {
		skip(name, "TODO: " (dreason != "" ? dreason : "no reason given"))
	} else if (dir == "todo") {
		# "ok # XFAIL" is an expected failure too (kselftest's word)
		if (tolower($0) ~ /#[ \t]*xfail/)
			skip(name, "XFAIL: " (dreason != "" ? dreason : "no reason given"))
		else {
			printf "N\tTODO test passes, remove its TODO: %s\n", name
			pass++
		}
	} else if ($0 ~ /^not ok/) {
		fail++
	} else {
		pass++
	}
	# a document with a leading plan ends with its last test
	if (plan[d] >= 0 && ntest[d] == plan[d])
		close_doc()
	next
}

/^Bail out!/ {
	err("bailed out: " $0)
	next
}

END {
	while (d > 1) {
		check_doc()
		d--
	}
	check_doc()
	printf "C\t%d\t%d\t%d\n", pass, fail, nskip
}
