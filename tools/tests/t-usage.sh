# SPDX-License-Identifier: GPL-2.0
# Command line: usage errors and their exit code (2), help (0).

expect "no arguments is a usage error" 2 $N
check "no arguments prints the usage on stderr" "grep -q '^usage: nsmctl' $T/err"
expect "unknown command" 2 $N frobnicate
check "unknown command is named with error:" \
	"grep -q \"^error: 'frobnicate' is not an nsmctl command\" $T/err"
expect "help lists the commands" 0 $N help
check "help names every command" \
	"for c in describe pcr random attest verify dump diff emu ca; do grep -q \"^  \$c \" $T/out || exit 1; done"
expect "help of a command" 0 $N help verify
expect "help of an unknown command" 2 $N help nope
expect "--version" 0 $N --version
expect "unknown global option" 2 $N --bogus describe
expect "--device without a value" 2 $N --device
check "missing value is reported" "grep -q \"needs a value\" $T/err"

for c in describe pcr random attest verify dump diff emu ca; do
	expect "$c -h" 0 $N $c -h
	check "$c -h prints its usage" "grep -q \"^usage: nsmctl $c\" $T/out"
	expect "$c with an unknown option" 2 $N $c --no-such-option
	check "$c: unknown option named" "grep -q \"^error: unknown option '--no-such-option'\" $T/err"
done

expect "pcr without subcommand" 2 $N pcr
expect "pcr with unknown subcommand" 2 $N pcr frob
expect "pcr read with a bad index" 2 $N pcr read x1
expect "pcr read with two indexes" 2 $N pcr read 1 2
expect "pcr extend without data" 2 $N pcr extend 16
expect "pcr extend with bad hex" 2 $N pcr extend 16 --data 0g
check "bad hex: the message says it is not hex" "grep -q \"'0g' is not hex\" $T/err"
expect "pcr extend with odd hex" 2 $N pcr extend 16 --data abc
check "odd hex: the message says the count is odd" "grep -q \"'abc' has an odd number of hex digits\" $T/err"
expect "pcr lock without index" 2 $N pcr lock
expect "pcr --data with read" 2 $N pcr read --data 00
expect "random -n 0" 2 $N random -n 0
expect "random -n too large" 2 $N random -n 99999999
expect "random -n not a number" 2 $N random -n lots
expect "random -o and --json" 2 $N random -o $T/r --json
expect "attest with bad nonce hex" 2 $N attest --nonce xyz
expect "attest with two stdin values" 2 $N attest --nonce - --user-data -
expect "attest --format bogus" 2 $N attest --format pem
ed=$EMU/doc.cbor
z48=$(printf '0%.0s' $(seq 96))
expect "verify --time bogus" 2 $N verify --time yesterday $ed
expect "verify --max-age bogus" 2 $N verify --max-age soon $ed
# index and value checked apart: a valid value with a bad index, a bad
# value with a valid index, and the same value at a valid index accepted
expect "verify --pcr 32=<48 bytes>: the index is refused" 2 $N verify --pcr 32=$z48 $ed
check "--pcr index refused: the option is named" "grep -q \"^error: --pcr '32=\" $T/err"
expect "verify --pcr 4=00: the short value is refused" 2 $N verify --pcr 4=00 $ed
expect "verify --pcr 31=<48 bytes> is accepted (PCR31 differs: 1, not 2)" 1 \
	$N verify --root $EMU/doc.root.pem --pcr 31=${z48%00}01 $ed
expect "verify two documents" 2 $N verify a b
expect "verify --quiet --json" 2 $N verify -q --json $ed
expect "verify --no-aws-root without --root" 2 $N verify --no-aws-root $ed
expect "dump --diag --json" 2 $N dump --diag --json $ed
expect "dump two documents" 2 $N dump a b
expect "dump --format bogus" 2 $N dump --format pem $ed
expect "diff with one document" 2 $N diff $ed
expect "diff --expected without document" 2 $N diff --expected x
expect "emu without subcommand" 2 $N emu
expect "emu unknown subcommand" 2 $N emu frob
expect "emu status with a path for a name" 2 $N emu status ../x
expect "emu create without a name" 2 $N emu create
expect "emu set without a value" 2 $N emu set default module_id
expect "ca without subcommand" 2 $N ca
expect "ca init without directory" 2 $N ca init
expect "ca init --region bad" 2 $N ca init --region 'Bad Region' $T/ca-bad
