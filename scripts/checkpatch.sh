#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the kernel's checkpatch.pl over the kernel module's sources, the way a
# maintainer would: --strict, on whole files (--file), without a kernel tree.
#
#   scripts/checkpatch.sh [--tap] [FILE...]
#
# Without FILE, checks every C source and header of kmod/, kmod/core/ and
# include/uapi/linux/nsm.h (tracked or new, never build products such as
# kmod/nsm_emu.mod.c). Prints checkpatch's report and exits 1 on any
# finding. With --tap, prints one "ok - checkpatch FILE" / "not ok - ..."
# line per file, findings as "# " comments, and no plan (scripts/style.sh
# numbers the lines and adds it).
#
# checkpatch.pl is not packaged on its own: it is taken from Debian's
# linux-source-6.1 (apt-get download, never installed), of which only
# scripts/checkpatch.pl, spelling.txt and const_structs.checkpatch are
# extracted into .cache/checkpatch/ and reused by later runs. Set
# CHECKPATCH=/path/to/checkpatch.pl to use another copy.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=$top/.cache/checkpatch
src_pkg=linux-source-6.1

tap=0
if [ "${1:-}" = --tap ]; then
	tap=1
	shift
fi

# Everything the check needs, nothing more: the .deb (~140 MB) is dropped
# once the three files are out. Extraction streams the whole inner tarball
# (about 10 s); the download itself is a second from a Debian mirror.
fetch() {
	local dir=$cache/$src_pkg/scripts deb
	[ -f "$dir/checkpatch.pl" ] && [ -f "$dir/spelling.txt" ] &&
		[ -f "$dir/const_structs.checkpatch" ] && return 0
	fetch_tmp=$(mktemp -d "$cache.tmp.XXXXXX")
	trap 'rm -rf "$fetch_tmp"' EXIT
	local tmp=$fetch_tmp
	echo "# checkpatch: fetching $src_pkg (apt-get download, not installed)" >&2
	# apt drops to the _apt user, which may not write here; stay as we are.
	(cd "$tmp" && apt-get download -q -o "APT::Sandbox::User=$(id -un)" \
		"$src_pkg" >/dev/null)
	deb=$(ls "$tmp"/"$src_pkg"_*.deb)
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xOf - "./usr/src/$src_pkg.tar.xz" |
		tar -xJf - -C "$tmp" --wildcards '*/scripts/checkpatch.pl' \
			'*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
	mkdir -p "$dir"
	mv "$tmp/$src_pkg/scripts/"* "$dir/"
	# --root for the CamelCase seeding: an include/ without headers.
	mkdir -p "$cache/$src_pkg/include"
}

if [ -n "${CHECKPATCH:-}" ]; then
	cp=$CHECKPATCH
	root=$(mktemp -d)
	trap 'rm -rf "$root"' EXIT
	mkdir "$root/include"
else
	mkdir -p "$cache"
	fetch
	cp=$cache/$src_pkg/scripts/checkpatch.pl
	root=$cache/$src_pkg
fi

# Ignored checks, all others (--strict included) apply:
#   LINUX_VERSION_CODE, in kmod/compat.h only: "code should be for the
#     version to which it is merged" is right in-tree, but an out-of-tree
#     module must refuse kernels it does not support, and compat.h is the one
#     file allowed to compare versions (a version check anywhere else is
#     still reported).
ignore_for() {
	case $1 in
	kmod/compat.h) echo LINUX_VERSION_CODE ;;
	*) echo "" ;;
	esac
}

if [ $# -eq 0 ]; then
	cd "$top"
	if git rev-parse --git-dir >/dev/null 2>&1; then
		mapfile -t files < <(git ls-files -co --exclude-standard -- \
			'kmod/*.[ch]' 'include/uapi/linux/nsm.h' | sort -u)
	else
		mapfile -t files < <(find kmod -name '*.[ch]' ! -name '*.mod.c' |
			sort; echo include/uapi/linux/nsm.h)
	fi
else
	files=("$@")
fi

# checkpatch writes a CamelCase cache (.checkpatch-camelcase.*) into its
# working directory: run it in the cache, on absolute paths, and print them
# relative to the top again.
findings=0
bad_files=0
for f in "${files[@]}"; do
	case $f in /*) abs=$f ;; *) abs=$top/$f ;; esac
	rel=${abs#"$top"/}
	[ -f "$abs" ] || { echo "checkpatch: no such file: $rel" >&2; exit 2; }
	ign=$(ignore_for "$rel")
	set +e
	out=$(cd "$root" && env -u GIT_DIR perl "$cp" --no-tree --strict \
		--root="$root" --show-types --no-summary --terse --color=never \
		${ign:+--ignore "$ign"} --file "$abs" 2>&1)
	rc=$?
	set -e
	out=${out//"$abs"/"$rel"}
	n=0
	[ -n "$out" ] && n=$(grep -cE '^[^ ]+:[0-9]+: (ERROR|WARNING|CHECK):' <<<"$out")
	if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
		n=1	# checkpatch failed without a finding line: count it
	fi
	findings=$((findings + n))
	if [ "$tap" -eq 1 ]; then
		if [ "$n" -eq 0 ]; then
			echo "ok - checkpatch $rel"
		else
			echo "not ok - checkpatch $rel: $n finding(s)"
			sed 's/^/# /' <<<"$out"
		fi
	elif [ -n "$out" ]; then
		echo "$out"
	fi
	[ "$n" -eq 0 ] || bad_files=$((bad_files + 1))
done

if [ "$tap" -eq 0 ]; then
	echo "checkpatch: $findings finding(s) in $bad_files of ${#files[@]} file(s)"
fi
[ "$findings" -eq 0 ]
