#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# nsm-tui test suite (TAP): unit tests, headless screen tests against
# golden files, export checks, and a tmux smoke test of the real binary.
#
#   TOP=<repo> OUT=<build/tui> tests/run.sh
#   UPDATE_GOLDEN=1 ...   rewrite tests/golden/*.txt from the current output
#                         (then tests/doc_screens.py --write refreshes the guide)
#   NSM_TUI_BIN=...       test another binary (the sanitizer build)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TOP=${TOP:-$(cd "$here/../.." && pwd)}
OUT=${OUT:-$TOP/build/tui}
BIN=${NSM_TUI_BIN:-$OUT/nsm-tui}
work=$OUT/tests
# The third-party test data ($NSM_TESTDATA or ../shared/testdata, see
# tests/testdata.sh) is shown to nsm-tui as ../shared/testdata, relative
# to its working directory $stage/top, whatever its real place, so that
# the golden screens name it the same way. Never copied.
TD_REL=../shared/testdata
stage=$work/stage
corrupt=$work/corrupt
# every screen is drawn at this instant, so "time left" never changes
export NSM_TUI_NOW=2026-11-27T12:00:00Z
unset NO_COLOR NSM_DEVICE

n=0
failed=0
result() {	# result STATUS NAME
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

td_skip() {	# td_skip NAME: a test that needs the absent test data
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $TD_SKIP"
}

echo "TAP version 13"
. "$TOP/tests/testdata.sh"
td_find || exit 1
rm -rf "$work"
mkdir -p "$work" "$stage/top" "$stage/shared"
ln -s "$TOP/tui" "$stage/top/tui"
[ -n "$TD" ] && ln -s "$TD" "$stage/shared/testdata"
cd "$stage/top" || exit 1
# documents of the emulator's core, made for this run
emu=$work/emu
emu_docs=$work/emu-docs		# only documents: a directory to browse
if ! { make -s --no-print-directory -C "$TOP/tests/attest" TOP="$TOP" \
	    BUILD="$(dirname "$OUT")" mkdoc >&2 &&
       bash "$TOP/tests/emu-docs.sh" "$(dirname "$OUT")/attest/mkdoc" "$emu"; }; then
	echo "Bail out! cannot make the emulator's documents (tests/emu-docs.sh)"
	exit 1
fi
mkdir -p "$emu_docs"
cp "$emu/debug.cbor" "$emu/doc.cbor" "$emu_docs/"
if [ -n "$TD" ]; then
	python3 "$here/gen_corrupt.py" "$TD/aws/base_nitrovalidator_2024.cbor" "$corrupt" || exit 1
else
	python3 "$here/gen_corrupt.py" "$emu/doc.cbor" "$corrupt" || exit 1
fi

# 1. unit tests of the curses-free code, renumbered into this stream
"$OUT/test_layout" "$corrupt" >"$work/unit.tap" 2>&1
urc=$?
while IFS= read -r line; do
	case $line in
	"ok "*) result 0 "unit: ${line#ok * - }" ;;
	"not ok "*) result 1 "unit: ${line#not ok * - }" ;;
	"#"*) echo "$line" ;;
	esac
done <"$work/unit.tap"
if [ $urc -ne 0 ] && ! grep -q '^not ok' "$work/unit.tap"; then
	result 1 "unit: test binary exited with status $urc"
fi

# the structure: no two files include or call each other in a circle
python3 "$here/deps.py" "$TOP/tui" "$OUT" >"$work/deps.out" 2>&1
rc=$?
sed 's/^/# /' "$work/deps.out"
result $rc "structure: no two files depend on each other in a circle (includes and calls)"

# 2. screen tests: tests/screens/NAME.script -> tests/golden/NAME.txt
#    "# args:" gives the command line (@TD@ = testdata, @CORRUPT@ = the
#    generated corrupt files, @DATA@ = tests/data, @WORK@ = a scratch
#    directory, @FAKE@ = the fake device), "# size:" the screen, "# env:"
#    extra variables, "# nosan" skips the sanitizer run.
run_screens() {	# run_screens BINARY LABEL SUFFIX
	local bin=$1 label=$2 suffix=$3 script name args size envs out golden rc
	for script in "$here"/screens/*.script; do
		name=$(basename "$script" .script)
		args=$(sed -n 's/^# args: //p' "$script")
		size=$(sed -n 's/^# size: //p' "$script")
		envs=$(sed -n 's/^# env: //p' "$script")
		args=${args//@TD@/$TD_REL}
		args=${args//@CORRUPT@/$corrupt}
		args=${args//@DATA@/tui/tests/data}
		args=${args//@WORK@/$work}
		envs=${envs//@WORK@/$work}
		envs=${envs//@FAKE@/$OUT/fake_nsm.so}
		# a preloaded fake device and ASan's runtime do not mix
		if [ -n "$suffix" ] && grep -q '^# nosan' "$script"; then
			continue
		fi
		if [ -z "$TD" ] && grep -q '^# args:.*@TD@' "$script"; then
			td_skip "screen $name$label"
			continue
		fi
		out=$work/$name$suffix.txt
		golden=$here/golden/$name.txt
		# word splitting of $args and $envs is intended
		# shellcheck disable=SC2086
		env $envs timeout 120 "$bin" --script "$script" \
			--size "${size:-80x24}" --output "$out" $args \
			2>"$out.err"
		rc=$?
		if [ $rc -ne 0 ]; then
			echo "# $name$label: exit status $rc"
			sed 's/^/# /' "$out.err" | head -30
			result 1 "screen $name$label"
			continue
		fi
		if [ "${UPDATE_GOLDEN:-0}" = 1 ] && [ -z "$label" ]; then
			cp "$out" "$golden"
			echo "# updated $golden"
		fi
		if diff -u "$golden" "$out" >"$out.diff" 2>&1; then
			result 0 "screen $name$label"
		else
			sed 's/^/# /' "$out.diff" | head -40
			result 1 "screen $name$label (differs from golden)"
		fi
	done
}
run_screens "$BIN" "" ""
# the sanitizer build must draw exactly the same screens, without a report
if [ -n "${NSM_TUI_SAN_BIN:-}" ]; then
	run_screens "$NSM_TUI_SAN_BIN" " (ASan/UBSan)" .san
fi

python3 - "$work/nsm-tui-verify.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
assert v["file"] == "device #1" and v["ok"] is True, v
assert v["root"] == "fake-root.pem", v
PY
result $? "device: the emulator's document verifies against its root (JSON)"

# 3. exports: the document's CBOR byte for byte, the views as valid JSON
#    (of the emulator's debug document, first in its directory, and its
#    production one)
rm -f "$work"/*.cbor "$work"/*.json
# (the --root given is trusted besides AWS's)
printf 'keys e<Enter>E<Enter>vE<Enter>xE<Enter>\nkeys mjmcE<Enter>\ndump\nkeys q\n' \
	>"$work/export.script"
timeout 60 "$BIN" --script "$work/export.script" --export-dir "$work" \
	--output "$work/export.out" --root "$emu/debug.root.pem" "$emu_docs" >/dev/null 2>&1
cmp -s "$work/debug.cbor" "$emu_docs/debug.cbor"
result $? "export: e writes the selected document's CBOR unchanged"
for v in detail verify hex diff; do
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' \
		"$work/nsm-tui-$v.json" 2>/dev/null
	result $? "export: E writes the $v view as valid JSON"
done
python3 - "$work" <<'PY'
import json, sys
d = json.load(open(sys.argv[1] + "/nsm-tui-verify.json"))
diff = json.load(open(sys.argv[1] + "/nsm-tui-diff.json"))
assert d["ok"] is True and d["time_policy"] == "document", d
assert any(c["check"] == "cose.signature" and c["status"] == "pass" for c in d["checks"])
assert len(diff["inputs"]) == 2 and any(not p["equal"] for p in diff["pcrs"])
PY
result $? "export: JSON content (verdict, checks, diff columns)"

# 3b. one schema (Documentation/nsm-emu.schema.json) for nsm-tui's exports
#     and nsmctl's dump, verify and diff --json of the same documents
schema=$TOP/Documentation/nsm-emu.schema.json
if [ -z "${NSMCTL:-}" ] || [ ! -x "$NSMCTL" ]; then
	result 1 "schema: nsmctl (NSMCTL) is built"
else
	"$NSMCTL" dump --json "$emu_docs/debug.cbor" >"$work/nsmctl-dump.json"
	"$NSMCTL" verify --json --time doc --root "$emu/debug.root.pem" \
		"$emu_docs/debug.cbor" >"$work/nsmctl-verify.json"
	"$NSMCTL" diff --all --json "$emu_docs/debug.cbor" "$emu_docs/doc.cbor" \
		>"$work/nsmctl-diff.json"
	"$NSMCTL" verify --json "$emu_docs/doc.cbor" >"$work/nsmctl-verify-fail.json"
	for f in nsm-tui-detail nsm-tui-hex nsm-tui-verify nsm-tui-diff \
		 nsmctl-dump nsmctl-verify nsmctl-diff nsmctl-verify-fail; do
		python3 "$here/validate_json.py" "$schema" "$work/$f.json" \
			>"$work/$f.schema" 2>&1
		rc=$?
		sed 's/^/# /' "$work/$f.schema" | head -10
		result $rc "schema: $f.json follows $(basename "$schema")"
	done
	# the two programs agree on the same document, member for member
	python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
def load(n):
    return json.load(open(w + "/" + n + ".json"))
t, c = load("nsm-tui-detail"), load("nsmctl-dump")
for d in (t, c):
    del d["file"]
assert t == c, (t, c)
t, c = load("nsm-tui-verify"), load("nsmctl-verify")
for d in (t, c):
    del d["file"]
# the same checks and outcomes; the TUI's chain cache adds "(cached)"
def outcome(d):
    return [(x["check"], x["code"], x["step"], x["status"]) for x in d["checks"]]
assert outcome(t) == outcome(c) and t["root_sha256"] == c["root_sha256"]
assert t["ok"] == c["ok"] and t["time_ms"] == c["time_ms"]
PY
	result $? "schema: nsm-tui's detail and verify exports equal nsmctl's dump and verify"
fi

# command-line errors: clear message, documented exit status, no terminal
check_exit() {	# check_exit STATUS MESSAGE-PATTERN ARGS...
	local want=$1 pat=$2 rc
	shift 2
	timeout 20 "$BIN" "$@" </dev/null >"$work/cli.out" 2>"$work/cli.err"
	rc=$?
	[ $rc -eq "$want" ] && grep -q -- "$pat" "$work/cli.err"
	result $? "cli: nsm-tui $* -> exit $want ($(head -c 60 "$work/cli.err" | head -1))"
}
check_exit 2 "usage:" --bogus
check_exit 2 "no certificate" --root "$emu/doc.cbor"
check_exit 2 "No such file" --root /nonexistent.pem
check_exit 2 "bad --now" --now yesterday
check_exit 2 "no trusted root" --no-aws-root "$emu_docs"
printf '{ "doc.cbor": { "size": 1 } }\n' >"$work/not-measurements.json"
check_exit 2 "--expected" --expected "$work/not-measurements.json"
printf '.eif\000\004' >"$work/cut.eif"	# an enclave image cut short
check_exit 2 "eif.truncated" --expected "$work/cut.eif"
check_exit 1 "No such file" /nonexistent/docs
check_exit 1 "needs a terminal" "$emu_docs"
"$BIN" --help | grep -q -- "--expected FILE"
result $? "cli: --help documents the options"

# 4. a directory full of hostile files never hangs or crashes the TUI
printf 'keys Gkkkkkkkkkkkkkkkkkkkkkkvxdo\nkeys jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjj\nkeys c\ndump\nkeys q\n' \
	>"$work/hostile.script"
for bin in "$BIN" ${NSM_TUI_SAN_BIN:-}; do
	timeout 60 "$bin" --script "$work/hostile.script" --output /dev/null \
		"$corrupt" "$corrupt" >/dev/null 2>"$work/hostile.err"
	rc=$?
	sed 's/^/# /' "$work/hostile.err" | head -20
	result $rc "hostile: every view over corrupt files, exit 0 ($(basename "$(dirname "$bin")")/$(basename "$bin"))"
done

# monkey test: 8,000 random keys over good and hostile documents, every
# view, prompts, resizes, under ASan/UBSan; it must end only at its final q
mkdir -p "$work/monkey"
python3 - "$work/monkey.script" <<'PY'
import random, sys
rnd = random.Random(5)
keys = list("jkhlgGdvxcLmMtr[]nNzoRaeE?/ ") + ["<Up>", "<Down>", "<Left>",
    "<Right>", "<PgUp>", "<PgDn>", "<Home>", "<End>", "<Enter>", "<Tab>",
    "<S-Tab>", "<Esc>", "<C-f>", "<C-b>", "<C-l>", "<BS>", "<C-u>"]
with open(sys.argv[1], "w") as f:
    for i in range(8000):
        if i % 500 == 250:
            f.write("resize %d %d\n" % (rnd.randint(20, 160), rnd.randint(5, 60)))
        f.write("keys %s\n" % rnd.choice(keys))
        if i % 2000 == 0:
            f.write("dump\n")
    f.write("resize 80 24\nkeys <Esc><Esc>q\n")
PY
# Random keys type random export names, relative to the working directory:
# run where they can do no harm.
for bin in "$BIN" ${NSM_TUI_SAN_BIN:-}; do
	(cd "$work/monkey" && NSM_DEVICE=/nonexistent timeout 300 "$bin" \
		--script "$work/monkey.script" \
		--export-dir "$work/monkey" --output "$work/monkey.out" \
		${TD:+"$TD/aws"} "$emu_docs" "$corrupt" >/dev/null 2>"$work/monkey.err")
	rc=$?
	sed 's/^/# /' "$work/monkey.err" | head -20
	[ $rc -eq 0 ] && [ "$(tail -1 "$work/monkey.out")" = "[quit]" ]
	result $? "monkey: 8,000 random keys, exit at the final q ($(basename "$(dirname "$bin")")/$(basename "$bin"))"
done

# 5. the screens shown in the guide are the program's, verbatim
#    (tests/doc_screens.py --write refreshes them after UPDATE_GOLDEN)
python3 "$here/doc_screens.py" "$TOP/Documentation/tui.rst" "$here/golden"
result $? "Documentation/tui.rst: every screen is the program's own"

# 6. tmux: the real binary on a real terminal
if [ -n "$TD" ]; then
	"$here/tmux_smoke.sh" "$BIN" "$TD_REL/aws"
else
	"$here/tmux_smoke.sh" "$BIN" "$emu_docs" debug.cbor doc.cbor
fi
result $? "tmux smoke test at 100x30 (views, help, resize, colour, NO_COLOR, R rescan, q exits 0)"

echo "1..$n"
[ "$failed" -eq 0 ]
