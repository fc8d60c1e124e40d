#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Each library exports exactly the functions its header declares, has its
# SONAME and .pc file, and its static archive leaks no internal global
# symbol; the client needs libcbor and nothing of the verifier's.
# Usage: exports.sh BUILD_DIR INCLUDE_DIR
b=$1 inc=$2 n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
echo "TAP version 13"

# check LIB HEADER SONAME REQUIRES
check() {
	lib=$1 hdr=$2 soname=$3 req=$4
	# every function prototype in the header: the identifier before "("
	sed -n 's/^[A-Za-z0-9_ ]*[ *]\(nsm_[a-z0-9_]*\)(.*/\1/p' "$inc/$hdr" |
		sort -u > "$tmp/$lib.declared"
	nm -D --defined-only "$b/$lib.so" |
		awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' |
		sort -u > "$tmp/$lib.exported"
	nm "$b/$lib.a" | awk '$2 ~ /^[TDBR]$/ { print $3 }' | sort -u > "$tmp/$lib.static"
	cmp -s "$tmp/$lib.declared" "$tmp/$lib.exported"
	ok $? "$lib.so exports exactly the $(wc -l < "$tmp/$lib.declared") functions of $hdr"
	[ -z "$(comm -13 "$tmp/$lib.declared" "$tmp/$lib.static")" ]
	ok $? "$lib.a defines no global symbol besides the API"
	readelf -d "$b/$lib.so" | grep -q "SONAME.*\[$soname\]"
	ok $? "$lib: SONAME is $soname"
	PKG_CONFIG_PATH=$b pkg-config --print-requires-private "$lib" > "$tmp/$lib.req"
	[ "$(sort "$tmp/$lib.req" | tr '\n' ' ')" = "$req " ]
	ok $? "$lib.pc: Requires.private is $req"
}
check libnsm nsm.h libnsm.so.1 "libcbor"
check libnsm-verify nsm_verify.h libnsm-verify.so.0 "json-c libcrypto"

readelf -d "$b/libnsm.so" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | sort > "$tmp/needed"
! grep -v -e '^libcbor\.' -e '^libc\.' "$tmp/needed" >/dev/null
ok $? "libnsm.so needs libcbor and libc only: $(tr '\n' ' ' < "$tmp/needed")"
[ -z "$(comm -12 "$tmp/libnsm.declared" "$tmp/libnsm-verify.declared")" ]
ok $? "no function is in both libraries"
echo "1..$n"
exit $fail
