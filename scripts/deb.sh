#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make deb`: the Debian packages of debian/ (Documentation/packaging.rst),
# built by dpkg-buildpackage from a copy of the tree, so that they land in
# the build directory and not beside the clone (dpkg-buildpackage writes to
# the source directory's parent):
#
#   $BUILD/deb/   nsm-emu-dkms, libnsm1, libnsm-dev, libnsm-verify0,
#                 libnsm-verify-dev, nsm-tools (.deb), the source package
#                 (.dsc, .tar.xz), .changes, .buildinfo, build.log
#
# The copy holds the files git knows (tracked, and untracked but not
# ignored) as they are in the working tree; outside git, every file but
# build/ and .cache/. Packages are unsigned (-us -uc).
#
#   deb.sh --cached   the tests' way: the packages of the last build of
#                     the same sources with the same build dependencies,
#                     from $NSM_DEB_CACHE (default ~/.cache/nsm-emu/deb),
#                     else a build, kept there; prints "cached <key>" or
#                     "built <key> in <s> s" on stdout
#
# Environment: BUILD (default build/), DEB_BUILD_OPTIONS (default
# parallel=<CPUs>).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${BUILD:-$top/build}/deb
cache=${NSM_DEB_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/nsm-emu/deb}

die() { echo "deb: $*" >&2; exit 1; }

bash "$top/scripts/deps.sh" >&2
cd "$top"
ver=$(dpkg-parsechangelog -S Version)
src=$out/nsm-emu-$ver

# The files of the source package, NUL-separated, sorted.
sources() {
	if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files -z --cached --others --exclude-standard
	else
		find . \( -path ./build -o -path ./.cache -o -path ./.git \) -prune -o \
			\( -type f -o -type l \) -printf '%P\0'
	fi | while IFS= read -r -d '' f; do
		# tracked but deleted in the working tree
		[ -e "$f" ] || [ -L "$f" ] && printf '%s\0' "$f"
	done | LC_ALL=C sort -z
}

if [ "${1:-}" = --cached ]; then
	# the sources' content, the build dependencies' and tools' versions
	key=$( {
		sources | tar -cf - --null -T - --mtime=@0 --owner=0 --group=0 --numeric-owner
		sed -n '/^Build-Depends:/,/^[A-Z][a-z-]*:/{s/^Build-Depends://; /^[A-Z]/d; p}' debian/control |
			tr ',' '\n' | sed 's/[[:space:]]//g; s/(.*//' | grep . | grep -v '^debhelper-compat$' |
			xargs dpkg-query -W debhelper dh-dkms dpkg-dev gcc 2>&1
	} | sha256sum | cut -c1-16)
	if [ -f "$cache/$key/ok" ]; then
		rm -rf "$out" && mkdir -p "$out"
		cp "$cache/$key"/* "$out/"
		echo "cached $key, built $(cat "$cache/$key/ok")"
		exit 0
	fi
	t0=$SECONDS
	"$0" >&2
	rm -rf "$cache" && mkdir -p "$cache/$key"
	cp "$out"/*.deb "$out"/*.dsc "$out"/*.tar.* "$out"/*.changes "$out"/*.buildinfo "$cache/$key/"
	echo "$(date -u +%FT%TZ) in $((SECONDS - t0)) s" >"$cache/$key/ok"
	echo "built $key in $((SECONDS - t0)) s"
	exit 0
fi

rm -rf "$out"
mkdir -p "$src"
sources | tar -cf - --null -T - | tar -xf - -C "$src"

t0=$SECONDS
echo "deb: dpkg-buildpackage in $src (log: $out/build.log)" >&2
if ! (cd "$src" &&
      DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-parallel=$(nproc)} \
      nice dpkg-buildpackage -us -uc) >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	die "dpkg-buildpackage failed (log: $out/build.log)"
fi
rm -rf "$src"
echo "deb: built in $((SECONDS - t0)) s:" >&2
(cd "$out" && ls -1 ./*.deb ./*.dsc ./*.changes | sed 's|^\./|  |') >&2
