#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# libnsm exports exactly the functions declared in its public headers, has
# SONAME libnsm.so.0, and libnsm.a leaks no internal global symbol.
# Usage: exports.sh BUILD_DIR INCLUDE_DIR
b=$1 inc=$2 n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
echo "TAP version 13"
# every function prototype in the headers: the identifier before "("
sed -n 's/^[A-Za-z0-9_ ]*[ *]\(nsm_[a-z0-9_]*\)(.*/\1/p' "$inc"/nsm.h "$inc"/nsm_verify.h |
	sort -u > "$tmp/declared"
nm -D --defined-only "$b/libnsm.so" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' |
	sort -u > "$tmp/exported"
nm "$b/libnsm.a" | awk '$2 ~ /^[TDBR]$/ { print $3 }' | sort -u > "$tmp/static"
cmp -s "$tmp/declared" "$tmp/exported"
ok $? "libnsm.so exports exactly the $(wc -l < "$tmp/declared") declared functions"
[ -z "$(comm -13 "$tmp/declared" "$tmp/static")" ]
ok $? "libnsm.a defines no global symbol besides the API"
readelf -d "$b/libnsm.so" | grep -q 'SONAME.*\[libnsm\.so\.0\]'
ok $? "SONAME is libnsm.so.0"
PKG_CONFIG_PATH=$b pkg-config --print-requires-private libnsm | grep -q libcbor
ok $? "libnsm.pc: Requires.private lists libcbor"
echo "1..$n"
exit $fail
