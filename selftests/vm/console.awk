# SPDX-License-Identifier: GPL-2.0
#
# Turn the console log of one VM run (see init.sh for its markers) into
# result records for run.sh, one per line:
#   R<TAB>ok|not ok<TAB>name<TAB>directive
#   D<TAB>diagnostic text
#   B<TAB>benchmark line
#   X<TAB>output line of the exec script
# Variables: suites (expected suites, space separated), required (suites
# that must not skip), timedout (1 if qemu was killed), timeout (seconds).

function res(status, name, directive) {
	printf "R\t%s\t%s\t%s\n", status, name, directive
	if (status == "not ok")
		failed = 1
}

function diag(text,    n, i, lines) {
	n = split(text, lines, "\n")
	for (i = 1; i <= n; i++)
		if (lines[i] != "")
			printf "D\t%s\n", substr(lines[i], 1, 2) == "# " ? substr(lines[i], 3) : lines[i]
}

BEGIN {
	nsuites = split(suites, want, " ")
	nreq = split(required, reqlist, " ")
	for (i = 1; i <= nreq; i++)
		isreq[reqlist[i]] = 1
}

{ sub(/\r$/, "") }

infile {
	if ($0 == "@@NSM-VM FILE-END")
		infile = 0
	next
}

/@@NSM-VM START/		{ started = 1; next }	# after BIOS escapes
/^@@NSM-VM MODULE-LOADED$/	{ res("ok", "module_load"); next }
/^@@NSM-VM MODULE-LOAD-FAILED$/	{ res("not ok", "module_load"); loadfail = 1; tail = 1; next }
/^@@NSM-VM KMOD-FAILED /	{ res("not ok", "insmod_" $3); next }
/^@@NSM-VM FILE /		{ infile = 1; next }
/^@@NSM-VM DONE$/		{ done = 1; next }

/^@@NSM-VM UNLOAD / {
	res($4 == "ok" ? "ok" : "not ok", "rmmod_after_" $3)
	next
}

/^@@NSM-VM BEGIN / {
	suite = $3; insuite = 1; plan = -1; nres = 0; nfail = 0; buf = ""
	next
}

/^@@NSM-VM END / {
	rc = $4; insuite = 0; ended[suite] = 1
	if (suite == "bench" || suite == "exec") {
		res(rc == 0 ? "ok" : "not ok", suite, rc == 0 ? "" : "exit status " rc)
	} else if (rc == 4 && nres == 0) {
		if (suite in isreq)
			res("not ok", suite, "skipped: " skipwhy)
		else
			res("ok", suite, "SKIP " skipwhy)
	} else {
		if (rc != 0 && rc != 4 && nfail == 0)
			res("not ok", suite, "exit status " rc (rc == 124 ? " (timeout)" : ""))
		if (plan >= 0 && nres != plan)
			res("not ok", suite, "ran " nres " of " plan " tests")
	}
	skipwhy = ""
	next
}

insuite && suite == "exec" {
	printf "X\t%s\n", $0
	next
}

insuite && suite == "bench" {
	if ($1 == "bench")
		printf "B\t%s\n", $0
	else
		diag($0)
	next
}

insuite && /^1\.\.[0-9]+/ {
	plan = $1; sub(/^1\.\./, "", plan); plan += 0
	if (match($0, /# SKIP.*/))
		skipwhy = substr($0, RSTART + 7)
	next
}

insuite && /^(not )?ok [0-9]+/ {
	line = $0
	status = "ok"
	if (line ~ /^not /) {
		status = "not ok"
		sub(/^not /, "", line)
	}
	sub(/^ok [0-9]+ (- )?/, "", line)
	directive = ""
	if (match(line, / # /)) {
		directive = substr(line, RSTART + 3)
		line = substr(line, 1, RSTART - 1)
	}
	if (status == "not ok") {
		diag(buf)
		nfail++
	}
	if (suite ~ /_32$/)		# the 32-bit build of a suite
		line = "compat32." line
	res(status, line, directive)
	nres++
	buf = ""
	next
}

insuite {
	if ($0 ~ /^# RUN /)
		buf = ""
	else if (length(buf) < 8000)
		buf = buf "\n" $0
	next
}

tail { diag($0) }

END {
	if (!started)
		res("not ok", "vm_boot", timedout ? "timeout" : "no start marker")
	if (!loadfail)
		for (i = 1; i <= nsuites; i++)
			if (!(want[i] in ended))
				res("not ok", want[i], "did not finish")
	if (done)
		res("ok", "vm_completed")
	else
		res("not ok", "vm_completed", timedout ? "timed out after " timeout " s" : "no DONE marker")
}
