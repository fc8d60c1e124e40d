#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Verify an AWS Nitro attestation document with the openssl command line
# and nothing else but coreutils: the COSE_Sign1 framing is walked here in
# bash, every cryptographic check is done by openssl.
#
#   verify-doc.sh [--no-strict] [--attime doc|now|SECONDS] [--keep DIR] DOC ROOT.pem
#
#   DOC       the COSE_Sign1 bytes (tagged or not, definite or indefinite map)
#   ROOT.pem  the root to trust (the emulator's, or AWS's for real documents)
#   --attime  time for the chain check: the document's timestamp (default),
#             the current time, or epoch seconds
#   --no-strict  skip `openssl verify -x509_strict` (real AWS chains fail it)
#   --keep DIR   leave the extracted pieces (certs, Sig_structure...) in DIR
#
# Exit status: 0 valid, 1 invalid (the reason on stderr), 2 usage or I/O.
set -uo pipefail

strict=1 attime=doc keep=
while [ $# -gt 0 ]; do
	case $1 in
	--no-strict) strict=0 ;;
	--attime) attime=${2:?}; shift ;;
	--keep) keep=${2:?}; shift ;;
	-h|--help) sed -n '4,17p' "$0"; exit 0 ;;
	--) shift; break ;;
	-*) echo "verify-doc: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
[ $# -eq 2 ] || { echo "usage: verify-doc.sh [options] DOC ROOT.pem" >&2; exit 2; }
doc=$1 root=$2
[ -r "$doc" ] && [ -r "$root" ] || { echo "verify-doc: cannot read $doc or $root" >&2; exit 2; }

if [ -n "$keep" ]; then
	work=$keep
	mkdir -p "$work" || exit 2
else
	work=$(mktemp -d) || exit 2
	trap 'rm -rf "$work"' EXIT
fi

fail() { echo "verify-doc: INVALID: $*" >&2; exit 1; }

# The document as an array of hex bytes.
mapfile -t B < <(od -An -v -tx1 "$doc" | tr -s ' \n' '\n\n' | sed '/^$/d')
N=${#B[@]}

# chead POS: decode the CBOR head at POS into MT (major type), VAL (argument,
# -1 for indefinite) and NEXT (the first byte after the head).
chead() {
	local p=$1 b ai i n
	[ "$p" -lt "$N" ] || fail "truncated at byte $p"
	b=$((16#${B[$p]}))
	MT=$((b >> 5)) ai=$((b & 31))
	if [ $ai -lt 24 ]; then
		VAL=$ai NEXT=$((p + 1)); return
	fi
	case $ai in
	24) n=1 ;; 25) n=2 ;; 26) n=4 ;; 27) n=8 ;;
	31) VAL=-1 NEXT=$((p + 1)); return ;;
	*) fail "bad CBOR head byte ${B[$p]} at $p" ;;
	esac
	[ $((p + n)) -lt "$N" ] || fail "truncated at byte $p"
	VAL=0
	for ((i = 1; i <= n; i++)); do VAL=$(((VAL << 8) | 16#${B[p + i]})); done
	NEXT=$((p + 1 + n))
}

# skip POS: set END to the first byte after the data item at POS.
skip() {
	local p=$1 count i mt
	chead "$p"
	mt=$MT
	case $mt in
	0|1|7) END=$NEXT ;;
	2|3) [ "$VAL" -ge 0 ] || fail "indefinite string at $p"
	     END=$((NEXT + VAL)) ;;
	4|5) count=$VAL p=$NEXT
	     if [ "$count" -lt 0 ]; then
		while [ "${B[$p]:-}" != ff ]; do
			[ "$p" -lt "$N" ] || fail "unterminated container"
			skip "$p"; p=$END
		done
		END=$((p + 1))
	     else
		[ "$mt" -eq 5 ] && count=$((count * 2))
		for ((i = 0; i < count; i++)); do skip "$p"; p=$END; done
		END=$p
	     fi ;;
	6) skip "$NEXT" ;;
	esac
	[ "$END" -le "$N" ] || fail "truncated item at $1"
}

text_at() { # POS LEN -> the bytes as text
	tail -c +$(($1 + 1)) "$doc" | head -c "$2"
}
bytes_to() { # POS LEN FILE
	tail -c +$(($1 + 1)) "$doc" | head -c "$2" > "$3"
}
hex_at() { # POS LEN
	local i s=
	for ((i = 0; i < $2; i++)); do s+=${B[$1 + i]}; done
	echo "$s"
}

# COSE_Sign1: optional tag 18, then [protected, unprotected, payload, sig].
pos=0
chead 0
if [ "$MT" -eq 6 ]; then
	[ "$VAL" -eq 18 ] || fail "tag $VAL is not COSE_Sign1 (18)"
	pos=$NEXT
	echo "verify-doc: tagged COSE_Sign1 (tag 18)"
fi
chead $pos
[ "$MT" -eq 4 ] && [ "$VAL" -eq 4 ] || fail "not a 4-element COSE_Sign1 array"
chead $NEXT
[ "$MT" -eq 2 ] || fail "protected header is not a byte string"
[ "$VAL" -eq 4 ] && [ "$(hex_at "$NEXT" 4)" = a1013822 ] ||
	fail "protected header is not {1: -35} (ES384)"
pos=$((NEXT + VAL))
chead $pos
[ "$MT" -eq 5 ] || fail "unprotected header is not a map"
skip $pos; pos=$END
payload_head=$pos
chead $pos
[ "$MT" -eq 2 ] && [ "$VAL" -ge 0 ] || fail "payload is not a byte string"
payload=$NEXT payload_len=$VAL
pos=$((payload + payload_len))
chead $pos
[ "$MT" -eq 2 ] && [ "$VAL" -eq 96 ] || fail "signature is not 96 bytes"
sig=$NEXT
[ $((sig + 96)) -eq "$N" ] || fail "trailing bytes after the COSE_Sign1"

# The payload map.
chead $payload
[ "$MT" -eq 5 ] || fail "payload is not a map"
count=$VAL pos=$NEXT
[ "$count" -lt 0 ] && echo "verify-doc: indefinite-length payload map"
module_id= digest= timestamp= cert= cab=()
i=0
while :; do
	if [ "$count" -lt 0 ]; then
		[ "${B[$pos]:-}" = ff ] && break
	else
		[ $i -lt "$count" ] || break
	fi
	chead $pos
	[ "$MT" -eq 3 ] || fail "payload key at $pos is not text"
	key=$(text_at "$NEXT" "$VAL")
	pos=$((NEXT + VAL))
	chead $pos
	case $key in
	module_id) [ "$MT" -eq 3 ] && module_id=$(text_at "$NEXT" "$VAL") ;;
	digest) [ "$MT" -eq 3 ] && digest=$(text_at "$NEXT" "$VAL") ;;
	timestamp) [ "$MT" -eq 0 ] && timestamp=$VAL ;;
	certificate) [ "$MT" -eq 2 ] && cert="$NEXT:$VAL" ;;
	cabundle)
		[ "$MT" -eq 4 ] && [ "$VAL" -gt 0 ] || fail "cabundle is not a non-empty array"
		n=$VAL p=$NEXT
		for ((k = 0; k < n; k++)); do
			chead $p
			[ "$MT" -eq 2 ] || fail "cabundle[$k] is not a byte string"
			cab+=("$NEXT:$VAL"); p=$((NEXT + VAL))
		done ;;
	esac
	skip $pos; pos=$END
	i=$((i + 1))
done
[ -n "$module_id" ] || fail "module_id missing or empty"
[ "$digest" = SHA384 ] || fail "digest is not SHA384"
[ -n "$timestamp" ] && [ "$timestamp" -gt 0 ] || fail "timestamp missing or zero"
[ -n "$cert" ] || fail "certificate missing"
[ ${#cab[@]} -gt 0 ] || fail "cabundle missing"
echo "verify-doc: module_id $module_id, timestamp $timestamp ms, ${#cab[@]} CA certificates"

# Certificates: leaf, cabundle[1..] untrusted, the given root trusted.
bytes_to "${cert%:*}" "${cert#*:}" "$work/leaf.der"
openssl x509 -inform DER -in "$work/leaf.der" -out "$work/leaf.pem" 2>/dev/null ||
	fail "certificate is not DER X.509"
: > "$work/untrusted.pem"
for ((k = 0; k < ${#cab[@]}; k++)); do
	bytes_to "${cab[k]%:*}" "${cab[k]#*:}" "$work/ca$k.der"
	openssl x509 -inform DER -in "$work/ca$k.der" -out "$work/ca$k.pem" 2>/dev/null ||
		fail "cabundle[$k] is not DER X.509"
	[ $k -gt 0 ] && cat "$work/ca$k.pem" >> "$work/untrusted.pem"
done
openssl x509 -in "$root" -outform DER -out "$work/root.der" 2>/dev/null ||
	{ echo "verify-doc: $root is not a PEM certificate" >&2; exit 2; }
cmp -s "$work/root.der" "$work/ca0.der" ||
	fail "cabundle[0] is not the trusted root"

case $attime in
doc) at=(-attime $((timestamp / 1000))); when="document time $((timestamp / 1000))" ;;
now) at=(); when="current time" ;;
*[!0-9]*|'') echo "verify-doc: bad --attime $attime" >&2; exit 2 ;;
*) at=(-attime "$attime"); when="time $attime" ;;
esac
flags=()
[ $strict -eq 1 ] && flags=(-x509_strict)
untrusted=()
[ -s "$work/untrusted.pem" ] && untrusted=(-untrusted "$work/untrusted.pem")
if ! out=$(openssl verify "${flags[@]}" "${at[@]}" -CAfile "$root" \
		"${untrusted[@]}" "$work/leaf.pem" 2>&1); then
	fail "chain at $when: $(echo "$out" | grep -m1 error)"
fi
echo "verify-doc: chain OK at $when${flags:+ (${flags[*]})}"

# Sig_structure = ["Signature1", h'a1013822', h'', payload bstr].
printf '\x84\x6aSignature1\x44\xa1\x01\x38\x22\x40' > "$work/sig_structure"
tail -c +$((payload_head + 1)) "$doc" | head -c $((payload + payload_len - payload_head)) \
	>> "$work/sig_structure"
# r || s -> ECDSA-Sig-Value DER.
printf 'asn1=SEQUENCE:sig\n[sig]\nr=INTEGER:0x%s\ns=INTEGER:0x%s\n' \
	"$(hex_at "$sig" 48)" "$(hex_at $((sig + 48)) 48)" > "$work/sig.cnf"
openssl asn1parse -genconf "$work/sig.cnf" -out "$work/sig.der" >/dev/null ||
	fail "cannot encode the signature"
openssl x509 -in "$work/leaf.pem" -pubkey -noout > "$work/leaf.pub" ||
	fail "no public key in the certificate"
if ! openssl dgst -sha384 -verify "$work/leaf.pub" -signature "$work/sig.der" \
		"$work/sig_structure" >/dev/null 2>&1; then
	fail "COSE signature does not verify"
fi
echo "verify-doc: COSE_Sign1 signature OK"
echo "verify-doc: VALID"
