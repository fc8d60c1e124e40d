#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# nsm-tui's live device view against the real nsm_emu module, inside the
# VM runner's guest (busybox sh, root, no terminfo: the headless script
# mode draws without curses). Run by tests/vm/guest.sh; nsm-tui, nsmctl,
# their libraries and the dynamic loader are in /extra, expect.sh holds
# what the host computed. TAP on stdout, exit status 1 on any failure.
#
# The script is fed through a FIFO so that the PCR bank can change between
# two screens: nsm-tui reads its first refresh (32 DescribePCR requests,
# seen in its sysfs statistics), nsmctl extends PCR16 from outside, then
# R must show the new value.

X=${X:-/extra}
run() { "$X/ld-linux-x86-64.so.2" --library-path "$X" "$@"; }
nsmctl() { run "$X/nsmctl" "$@"; }
. "$X/expect.sh"

SYS=/sys/class/misc/nsm				# the runtime state of /dev/nsm
CFG=/sys/kernel/config/nsm_emu/instances/default	# its instance
T=/tmp/tui-vm
OUT=${NSM_OUT_DIR:-/tmp}/tui
rm -rf $T && mkdir -p $T/export "$OUT"
SCREENS=$OUT/screens.txt
NONCE=0a0b0c0d
USER_TEXT=hello-vm
USER_HEX=68656c6c6f2d766d

n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }
counter() { cat $SYS/statistics/$1; }
# the PCR bank as sysfs shows it: "<index> <1 locked|0 open> <value>" lines
pcrs() {
	i=0
	while [ $i -lt 32 ]; do
		echo "$i $(cat $SYS/pcr_locked/$i) $(cat $SYS/pcrs/$i)"
		i=$((i + 1))
	done
}

# the screen dumped under TITLE
screen() { awk -v t="--- $1 (" 'index($0, "--- ") == 1 { on = index($0, t) == 1; next } on' "$SCREENS"; }
# its PCR table as "<index> <1 locked|0 open> <value>", as sysfs shows it
table() {
	screen "$1" | awk '$1 ~ /^[0-9]+$/ && ($2 == "locked" || $2 == "open") {
		v = ""
		for (i = 3; i <= NF; i++) if ($i ~ /^[0-9a-f]+$/ && length($i) == 96) v = $i
		print $1, ($2 == "locked" ? 1 : 0), v }'
}

echo "TAP version 13"
nsmctl emu root -o $T/root.pem
pcrs > $T/pcrs-before
module_id=$(cat $CFG/module_id)
c0=$(counter describe_pcr)

rm -f $T/keys && mkfifo $T/keys
timeout 120 "$X/ld-linux-x86-64.so.2" --library-path "$X" "$X/nsm-tui" -d /dev/nsm \
	--script $T/keys --size 140x72 --output "$SCREENS" \
	--root $T/root.pem --export-dir $T/export 2>$T/tui.err &
tui=$!
exec 3>$T/keys
echo "dump device view" >&3

# nsm-tui has read the bank once (its first refresh) ...
i=0
while [ "$(counter describe_pcr)" -lt $((c0 + 32)) ] && [ $i -lt 300 ]; do
	sleep 0.1; i=$((i + 1))
done
check "nsm-tui read the 32 PCRs of the device" "[ $(counter describe_pcr) -ge $((c0 + 32)) ]"
# ... then the bank changes under it
nsmctl pcr extend 16 --data 01 >$T/extend.out 2>&1
check "nsmctl pcr extend 16 --data 01 from outside" "grep -q '$EXTEND_01' $T/extend.out"
pcrs > $T/pcrs-after

cat >&3 <<KEYS
keys R
dump refreshed
keys a
type $NONCE
keys <Enter>
type $USER_TEXT
keys <Enter>
dump new document
keys rr
dump module root
keys e<Enter>
dump exported
keys q
KEYS
exec 3>&-
wait $tui
rc=$?
check "nsm-tui --script on the live device exits 0" "[ $rc = 0 ]"
[ -s $T/tui.err ] && sed 's/^/# stderr: /' $T/tui.err | head -5

check "device view: DescribeNSM's module_id, as in configfs" \
	"screen 'device view' | grep -q '^module_id    $module_id\$'"
check "device view: digest SHA384, max_pcrs 32, locked 16" \
	"screen 'device view' | grep -q 'digest SHA384   max_pcrs 32   locked 16 '"
table 'device view' > $T/table-before
check "device view: PCR table (32 rows, lock states and values) = sysfs pcrs" \
	"[ \$(wc -l < $T/table-before) = 32 ] && cmp -s $T/table-before $T/pcrs-before"
check "device view: PCRs 0-15 locked, 16-31 open" \
	"[ \$(awk '\$1 < 16 && \$2 == 1 || \$1 >= 16 && \$2 == 0' $T/table-before | wc -l) = 32 ]"
check "device view: PCR0 non-zero, PCR3 zero" \
	"grep -q '^0 1 ' $T/table-before && ! grep -q '^0 1 0\{96\}' $T/table-before && grep -q '^3 1 0\{96\}\$' $T/table-before"
check "device view: PCR16 zero before the extend" "grep -q '^16 0 0\{96\}\$' $T/table-before"

table refreshed > $T/table-after
check "after R: PCR16 shows SHA384(0^48 || 01)" "grep -q '^16 0 $EXTEND_01\$' $T/table-after"
check "after R: PCR table = sysfs pcrs after the extend" \
	"[ \$(wc -l < $T/table-after) = 32 ] && cmp -s $T/table-after $T/pcrs-after"
check "after R: refreshed 2 times" "screen refreshed | grep -q 'refreshed 2 times'"

check "a: a new document from the device, valid: its chain ends in the module's root (--root)" \
	"screen 'new document' | grep -q ' valid  *root\.pem .* device #1 *\$' && screen 'new document' | grep -q 'new document from the device: [0-9]* bytes'"
check "r r: the list of the module root's documents (AWS's first) shows it" \
	"screen 'module root' | grep -q 'root: root.pem' && screen 'module root' | grep -q ' valid .* device #1 *\$'"
check "e: exported as device-1.cbor" \
	"screen exported | grep -q 'wrote [0-9]* bytes of CBOR to device-1.cbor' && [ -s $T/export/device-1.cbor ]"
doc=$T/export/device-1.cbor
cp $doc "$OUT/" 2>/dev/null
nsmctl verify --no-aws-root --root $T/root.pem --nonce $NONCE --max-age 5m $doc >$T/v.out 2>&1
check "nsmctl verify of the exported document (module root, nonce $NONCE)" "[ $? = 0 ]"
[ -s $T/v.out ] && grep -i fail $T/v.out | sed 's/^/# /' | head -5
nsmctl verify --no-aws-root --root $T/root.pem --nonce 0a0b0c0e $doc >/dev/null 2>&1
check "... and a wrong nonce is rejected" "[ $? = 1 ]"
nsmctl dump --json $doc >$T/dump.json 2>&1
check "the document carries the nonce and user data typed in the TUI" \
	"grep -q '\"nonce\": \"$NONCE\"' $T/dump.json && grep -q '\"user_data\": \"$USER_HEX\"' $T/dump.json"
echo "1..$n"
exit $fail
