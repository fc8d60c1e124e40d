# SPDX-License-Identifier: GPL-2.0
# The same commands under ASan/UBSan and valgrind: no report, same status.

if [ -n "$NSMCTL_ASAN" ] && [ -x "$NSMCTL_ASAN" ]; then
	A=$NSMCTL_ASAN
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
	doc=$EMU/doc.cbor
	expect "asan: dump --json" 0 $A dump --json $doc
	expect "asan: dump text" 0 $A dump $EMU/fill.cbor
	expect "asan: dump --diag" 0 $A dump --diag $EMU/indefinite.cbor
	expect "asan: verify --time doc" 0 $A verify --time doc --root $EMU/doc.root.pem $doc
	expect "asan: verify --json now" 1 $A verify --json $doc
	expect "asan: verify with policies" 1 $A verify --time doc --pcr 4=$zero --nonce 01 \
		--kms-policy $T/kms.json --expected $T/eif.json --reject-debug $doc
	expect "asan: diff" 1 $A diff --all --json $doc $EMU/debug.cbor $EMU/tagged.cbor
	expect "asan: ca init" 0 $A ca init $T/pki-asan
	expect "asan: provision --check" 0 $A emu provision --check $T/pki-asan
	expect "asan: provision --check mismatched" 4 $A emu provision --check $T/mixed
	if [ -d "$T/configfs/nsm_emu" ]; then
		expect "asan: emu status" 0 env NSMCTL_CONFIGFS=$T/configfs/nsm_emu \
			NSMCTL_SYSFS=$T/sysfs $A emu status --json b
		expect "asan: emu list" 0 env NSMCTL_CONFIGFS=$T/configfs/nsm_emu $A emu list
		expect "asan: emu root" 0 env NSMCTL_CONFIGFS=$T/configfs/nsm_emu $A emu root
		expect "asan: emu create --pcr 5 refused" 2 env NSMCTL_CONFIGFS=$T/configfs/nsm_emu \
			$A emu create z --pcr 5=00
	else
		skip "asan: emu status" "no fake configfs"
	fi
	expect "asan: missing device" 3 $A describe
	for f in trunc.cbor trailing.cbor text.txt random.bin deep.cbor huge.cbor onebyte.cbor; do
		expect "asan: dump --diag $f" 4 $A dump --diag $T/$f
		expect "asan: dump $f" 4 $A dump $T/$f
	done
	# Every 97th truncation of a document: parse errors, no crash.
	fails=0
	len=$(stat -c %s $doc)
	for ((i = 1; i < len; i += 97)); do
		head -c $i $doc > $T/cut.cbor
		for cmd in "dump" "dump --diag"; do
			$A $cmd $T/cut.cbor >/dev/null 2>$T/err; rc=$?
			{ [ $rc = 4 ] && sane; } || { fails=$((fails + 1)); echo "# $cmd cut at $i: $rc"; }
		done
	done
	check "asan: $(( (len + 96) / 97 )) truncations, dump and --diag exit 4 cleanly" "[ $fails = 0 ]"
else
	skip "ASan build" "NSMCTL_ASAN not set"
fi

if [ -n "$NSMCTL_FAKE_ASAN" ] && [ -x "$NSMCTL_FAKE_ASAN" ]; then
	FA="env NSM_DEVICE=/dev/null $NSMCTL_FAKE_ASAN"
	expect "asan+fake: describe --json" 0 $FA describe --json
	expect "asan+fake: pcr read" 0 $FA pcr read
	expect "asan+fake: pcr extend" 0 $FA pcr extend 20 --data @$T/data.bin
	expect "asan+fake: pcr extend locked" 5 $FA pcr extend 1 --data 00
	expect "asan+fake: pcr lock-range" 0 $FA pcr lock-range 32
	expect "asan+fake: random -n 5000" 0 $FA random -n 5000
	expect "asan+fake: attest with all fields" 0 $FA attest --nonce @$T/data.bin --user-data 00 --public-key '' -o $T/asan-doc.cbor
	expect "asan+fake: attest too large" 5 $FA attest --nonce @$T/k1500.bin --user-data @$T/k1500.bin --public-key @$T/k1500.bin
	expect "asan: dump of an emulator document" 0 ${A:-$N} dump --json $T/asan-doc.cbor
	json_ok "empty public key is an empty byte string" "d['payload']['public_key'] == ''"
else
	skip "ASan fake-device build" "NSMCTL_FAKE_ASAN not set"
fi

if command -v valgrind >/dev/null; then
	V="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
	expect "valgrind: verify" 0 $V $N verify --root $EMU/indefinite.root.pem $EMU/indefinite.cbor
	expect "valgrind: dump --diag" 0 $V $N dump --diag $EMU/doc.cbor
	expect "valgrind: diff --expected" 1 $V $N diff --expected $T/eif.json $EMU/doc.cbor
else
	skip "valgrind" "not installed"
fi
