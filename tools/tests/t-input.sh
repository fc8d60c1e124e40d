# SPDX-License-Identifier: GPL-2.0
# Input formats: raw CBOR, base64 (standard, URL-safe, wrapped, unpadded),
# hex (plain, 0x, wrapped), stdin; detected automatically, or forced.

doc=$EMU/doc.cbor
base64 -w 76 "$doc" > $T/doc.b64
base64 -w 0 "$doc" | tr '+/' '-_' | tr -d '=' > $T/doc.b64url
# hex, 60 digits a line (od, not xxd: coreutils only)
hex() { od -An -v -tx1 "$1" | tr -d ' \n' | fold -w 60; echo; }
hex "$doc" > $T/doc.hex
{ printf '0x'; hex "$doc" | tr -d '\n'; echo; } > $T/doc.0xhex
hex "$doc" | tr 'a-f' 'A-F' > $T/doc.HEX

# Everything but the file name and detected format must be identical.
$N dump --json "$doc" | python3 -c '
import json, sys
d = json.load(sys.stdin); d.pop("file"); d.pop("input_format")
print(json.dumps(d, sort_keys=True))' > $T/ref.json

for f in doc.b64:base64 doc.b64url:base64 doc.hex:hex doc.0xhex:hex doc.HEX:hex; do
	file=${f%%:*} want=${f#*:}
	expect "dump $file (auto)" 0 $N dump --json $T/$file
	json_ok "$file detected as $want" "d['input_format'] == '$want'"
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); d.pop("file"); d.pop("input_format")
print(json.dumps(d, sort_keys=True))' $T/out > $T/cmp.json
	check "$file decodes to the same document" "cmp -s $T/ref.json $T/cmp.json"
done

run $N dump --json - < $T/doc.b64
check "base64 on stdin" "[ $rc = 0 ] && grep -q '\"file\": \"<stdin>\"' $T/out"
run $N verify --time doc --root $EMU/doc.root.pem < "$doc"
check "raw CBOR on stdin verifies" "[ $rc = 0 ]"
expect "forced --format hex on base64 fails" 4 $N dump --format hex $T/doc.b64
check "format error names the file" "grep -q 'doc.b64: not valid hex' $T/err"
expect "forced --format base64" 0 $N dump --format base64 $T/doc.b64
expect "forced --format raw on raw" 0 $N dump --format raw "$doc"

# Bad inputs: a clear message and a non-zero exit, never a crash.
head -c 1000 "$doc" > $T/trunc.cbor
head -c $(($(stat -c %s "$doc") - 50)) "$doc" > $T/trunc1.cbor
{ cat "$doc"; printf '\0'; } > $T/trailing.cbor
printf 'hello, world\n' > $T/text.txt
: > $T/empty
python3 -c 'import random,sys; random.seed(7); sys.stdout.buffer.write(bytes(random.getrandbits(8) for _ in range(3000)))' > $T/random.bin
printf '\x84' > $T/onebyte.cbor
for f in trunc.cbor trunc1.cbor trailing.cbor text.txt empty random.bin onebyte.cbor; do
	expect "dump $f: input error" 4 $N dump $T/$f
	check "dump $f: error: message" "grep -q '^error: ' $T/err"
	expect "dump --diag $f: input error" 4 $N dump --diag $T/$f
done
expect "dump of a missing file" 3 $N dump $T/does-not-exist
check "missing file is named" "grep -q \"cannot open '$T/does-not-exist'\" $T/err"
expect "dump of a directory" 3 $N dump $T
expect "verify of a missing file" 3 $N verify $T/does-not-exist
expect "verify of an empty file" 4 $N verify $T/empty
