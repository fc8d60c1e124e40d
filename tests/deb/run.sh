#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages of debian/ (`make deb`) as their users get them.
# TAP on stdout:
#
#   - the versions of debian/changelog, the module, DKMS and the tools agree;
#     debian/copyright's LGPL files are exactly the LGPL ones;
#   - `make deb` builds the six packages into the build directory (nothing
#     beside the clone); library packages named from their SONAMEs;
#   - lintian: no error, and no warning but those overridden in
#     debian/*.lintian-overrides, each with its reason in a comment;
#   - apt resolves every dependency of the packages (apt-get --simulate);
#     no file is in two packages;
#   - a throwaway root with the packages unpacked (dpkg -x): every ELF's
#     libraries resolve, the tools' --version, pkg-config --modversion,
#     a program compiled against the installed headers links (shared and
#     static) and runs, the DKMS source is the module's, `dkms build` of it
#     against both Debian kernels' headers, and the packaged nsm-vm runs
#     that program against the module built from the packaged source.
#
# Why dpkg -x and not a chroot: measured here, a minimal debootstrap
# (bookworm, minbase) takes 42 s and 206 MB, installing the packages with
# their dependencies into it 30 s more and 631 MB in all, before the two
# kernels' headers; and in a chroot the DKMS postinst only builds for the
# host's kernel. The real installation (apt, maintainer scripts, DKMS
# autoinstall, modprobe) is tested where modules load: in nsm-vm's guest,
# by tests/recipes (the CI recipe's package path).
#
# The packages are cached by content (sources, build dependencies' versions;
# scripts/deb.sh --cached) in $NSM_DEB_CACHE (default ~/.cache/nsm-emu/deb):
# a run with nothing changed tests the packages of the last build of the
# same sources instead of building them again.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build}
debs=$build/deb
out=$build/tests/deb
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)

. "$top/tests/tap.sh"

echo "TAP version 13"
bash "$top/scripts/deps.sh" >&2 || not_ok "dependencies (scripts/deps.sh)"
rm -rf "$out"
mkdir -p "$out"
cd "$top"

# ---- the sources -----------------------------------------------------------
ver=$(dpkg-parsechangelog -S Version)
versions() {
	local v
	v=$(sed -n 's/^#define NSM_EMU_VERSION[[:space:]]*"\(.*\)"$/\1/p' kmod/nsm_emu.h)
	[ "$v" = "$ver" ] || { echo "kmod/nsm_emu.h: $v"; return 1; }
	v=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
	[ "$v" = "$ver" ] || { echo "dkms.conf: $v"; return 1; }
	v=$(sed -n 's/^VERSION=//p' tools/nsm-vm/nsm-vm)
	[ "$v" = "$ver" ] || { echo "tools/nsm-vm/nsm-vm: $v"; return 1; }
}
check "versions: debian/changelog, kmod/nsm_emu.h, dkms.conf, nsm-vm say $ver" versions

# debian/copyright against the SPDX lines: the last Files stanza that
# matches a file gives its licence (DEP-5), '*' matching '/' too.
copyright() {
	{ git ls-files 2>/dev/null || find . -type f -printf '%P\n'; } | python3 -c '
import fnmatch, re, sys
stanzas, cur = [], None
for line in open("debian/copyright"):
    if line.startswith("Files:"):
        cur = [line.split()[1:], None]
        stanzas.append(cur)
    elif cur and line.startswith(" ") and cur[1] is None:
        cur[0] += line.split()
    elif cur and line.startswith("License:"):
        cur[1] = line.split(None, 1)[1].strip()
    elif not line.strip():
        cur = None
spdx = {"GPL-2.0": "GPL-2", "LGPL-2.1-or-later": "LGPL-2.1+", "OR": "or",
        "WITH": "with", "Linux-syscall-note": "Linux-syscall-note exception"}
bad = 0
for f in sys.stdin.read().split("\n"):
    try:
        m = re.search(r"SPDX-License-Identifier: ([^\n*]+?)\s*(\*/)?\n", open(f, errors="replace").read(4096))
    except OSError:
        continue
    if not m:
        continue
    want = " ".join(spdx.get(t, t) for t in m.group(1).split())
    got = [lic for pats, lic in stanzas if any(fnmatch.fnmatchcase(f, p) for p in pats)]
    if not got or got[-1] != want:
        print("%s: SPDX %s, debian/copyright %s" % (f, m.group(1), got[-1] if got else "nothing"))
        bad = 1
sys.exit(bad)'
}
check "debian/copyright: every file's licence is its SPDX line's" copyright

# ---- make deb, cached by content (scripts/deb.sh --cached) ------------------
pkgs="nsm-emu-dkms libnsm1 libnsm-dev libnsm-verify0 libnsm-verify-dev nsm-tools"
before=$(ls -a "$top/.." | grep -c '^nsm-emu[_-]')
if how=$(BUILD=$build bash "$top/scripts/deb.sh" --cached 2>"$out/deb.log"); then
	ok "make deb: the packages ($how)"
else
	not_ok "make deb" "$(tail -n 30 "$out/deb.log")"
fi
check "make deb: nothing written beside the clone" \
	test "$(ls -a "$top/.." | grep -c '^nsm-emu[_-]')" = "$before"
for p in $pkgs; do
	check "package $p" ls "$debs/${p}_${ver}_"*.deb
done

# Debian's names for library packages: the SONAME, a hyphen before the
# major when the name ends in a digit.
soname_names() {
	local p f so want
	for p in libnsm1 libnsm-verify0; do
		rm -rf "$out/so" && dpkg -x "$debs/${p}_${ver}_"*.deb "$out/so"
		for f in "$out/so/usr/lib/$arch"/*.so.*.*; do
			so=$(objdump -p "$f" | awk '$1 == "SONAME" { print $2 }')
			want=$(echo "$so" | sed -E 's/\.so\.([0-9]+)$/ \1/; s/([0-9]) ([0-9]+)$/\1-\2/; s/ //')
			[ "$want" = "$p" ] || { echo "$f: SONAME $so wants package $want, not $p"; return 1; }
			echo "$so: $p"
		done
	done
}
check "library packages named from their SONAMEs" soname_names

# ---- lintian ---------------------------------------------------------------
changes=$(ls "$debs"/*.changes 2>/dev/null | head -n 1)
lintian --pedantic --info --show-overrides --tag-display-limit 0 --fail-on none \
	"$changes" >"$out/lintian.txt" 2>"$out/lintian.err"
lrc=$?
for level in E W; do
	tags=$(grep "^$level: " "$out/lintian.txt")
	if [ $lrc = 0 ] && [ -n "$changes" ] && [ -z "$tags" ]; then
		ok "lintian: no $([ $level = E ] && echo error || echo "warning but the overridden ones")"
	else
		not_ok "lintian: $level tags (lintian's exit status $lrc)" "$tags
$(cat "$out/lintian.err")"
	fi
done
overrides_explained() {
	local f bad=0
	for f in debian/*.lintian-overrides debian/source/lintian-overrides; do
		[ -f "$f" ] || continue
		awk -v f="$f" '/^#/ { c = 1; next } /^[[:space:]]*$/ { c = 0; next }
			!c { print f ": no reason given for: " $0; bad = 1 } END { exit bad }' "$f" || bad=1
	done
	return $bad
}
check "lintian: every override has its reason" overrides_explained
grep -E '^[IPO]: ' "$out/lintian.txt" | sed 's/^/# lintian /'

# ---- dependencies, files ---------------------------------------------------
binaries=()
for p in $pkgs; do binaries+=("$debs/${p}_${ver}_"*.deb); done
check "apt resolves every dependency (apt-get install --simulate)" \
	apt-get install --simulate --no-install-recommends "${binaries[@]}"
check "apt resolves the recommendations too" \
	apt-get install --simulate "${binaries[@]}"
overlap() {
	local d
	for d in "${binaries[@]}"; do
		dpkg -c "$d" | awk '$1 !~ /^d/ { print $6 }'
	done | sort | uniq -d | grep . && return 1
	return 0
}
check "no file is in two packages" overlap

# ---- the throwaway root ----------------------------------------------------
root=$out/root
for d in "${binaries[@]}"; do dpkg -x "$d" "$root"; done
L=$root/usr/lib/$arch
elf_deps() {
	local f bad=0
	while IFS= read -r f; do
		file -b "$f" | grep -q '^ELF' || continue
		if LD_LIBRARY_PATH=$L ldd "$f" | grep 'not found'; then
			echo "in $f"; bad=1
		fi
	done < <(find "$root" -type f)
	return $bad
}
check "every ELF's libraries resolve (the root's, then the system's)" elf_deps
for t in "usr/bin/nsmctl --version:nsmctl $ver" "usr/bin/nsm-tui --version:nsm-tui $ver" \
	 "usr/sbin/nsm-kmsd --version:nsm-kmsd $ver" "usr/bin/nsm-vm --version:nsm-vm $ver"; do
	cmd=${t%%:*} want=${t#*:}
	check "$cmd prints '$want'" \
		bash -c '[ "$(LD_LIBRARY_PATH=$1 "$2"/$3)" = "$4" ]' _ "$L" "$root" "$cmd" "$want"
done

# pkg-config as for the root: its .pc files first, their paths in it
export root L PCDIRS=$L/pkgconfig:/usr/lib/$arch/pkgconfig:/usr/share/pkgconfig
pc() { PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$PCDIRS pkg-config "$@"; }
export -f pc
for l in libnsm:CLIENT_VERSION libnsm-verify:VERIFY_VERSION; do
	want=$(sed -n "s/^${l#*:}[[:space:]]*:= *//p" lib/Makefile)
	check "pkg-config --modversion ${l%:*}: $want (lib/Makefile)" \
		bash -c '[ "$(pc --modversion "$1")" = "$2" ]' _ "${l%:*}" "$want"
done
check "pkg-config --cflags --libs point into the root" \
	bash -c 'pc --cflags --libs libnsm libnsm-verify | grep -q -- "-I$root/usr/include" &&
		 pc --libs libnsm | grep -q -- "-L$L"'
consumer=$out/consumer
check "a program compiled against the installed headers links (shared)" \
	bash -c 'cc -Wall -Wextra -Werror $(pc --cflags libnsm libnsm-verify) -o "$1" "$2" \
		 $(pc --libs libnsm libnsm-verify)' _ "$consumer" "$here/consumer.c"
check "... against the installed libnsm.so.1 and libnsm-verify.so.0" \
	bash -c 'LD_LIBRARY_PATH=$L ldd "$1" | grep -q "libnsm\.so\.1 => $L/" &&
		 LD_LIBRARY_PATH=$L ldd "$1" | grep -q "libnsm-verify\.so\.0 => $L/"' _ "$consumer"
check "... and runs: no device here (exit status 3)" \
	bash -c 'o=$(NSM_DEVICE=/nonexistent LD_LIBRARY_PATH=$L "$1"); [ $? = 3 ] && [ "$o" = "no device" ]' \
	_ "$consumer"
check "the same program linked statically against the installed archives" \
	bash -c 'cc $(pc --cflags libnsm libnsm-verify) -o "$1-static" "$2" -Wl,-Bstatic -lnsm \
		 -lnsm-verify -Wl,-Bdynamic $(pc --static --libs libnsm libnsm-verify | sed "s/-lnsm-verify//; s/-lnsm//") &&
		 ! ldd "$1-static" | grep -q libnsm && o=$(NSM_DEVICE=/nonexistent "$1-static"); [ $? = 3 ]' \
	_ "$consumer" "$here/consumer.c"

# ---- DKMS ------------------------------------------------------------------
src=$root/usr/src/nsm-emu-$ver
dkms_sources() {
	grep -qx "PACKAGE_VERSION=\"$ver\"" "$src/dkms.conf" || { echo "dkms.conf: no PACKAGE_VERSION=\"$ver\""; return 1; }
	diff <(cd "$src" && find . -type f ! -name dkms.conf | sort) \
	     <(find Kbuild kmod include/uapi -type f \( -name Kbuild -o -name '*.mk' -o -name '*.[ch]' \) \
		 ! -name '*.mod.c' | sed 's|^|./|' | sort)
}
check "nsm-emu-dkms: /usr/src/nsm-emu-$ver is the module's source and dkms.conf" dkms_sources
# dkms makes a signing key in /var/lib/dkms on its first build: in a mount
# namespace of our own it makes it in a tmpfs that goes with it.
dkms_build() {
	local rel=$1 tree=$out/dkms-$1 ko
	rm -rf "$tree" && mkdir -p "$tree"
	local cmd=(dkms build -m nsm-emu -v "$ver" -k "$rel" --sourcetree "$root/usr/src" --dkmstree "$tree")
	if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
		unshare -m sh -c 'mount -t tmpfs tmpfs /var/lib/dkms && exec "$@"' sh "${cmd[@]}"
	else
		"${cmd[@]}"
	fi >"$tree.log" 2>&1 || { tail -n 20 "$tree.log"; return 1; }
	ko=$(find "$tree" -name 'nsm_emu.ko*' | head -n 1)
	[ -n "$ko" ] || { echo "no nsm_emu.ko in $tree"; return 1; }
	modinfo -F vermagic "$ko" | grep -q "^$rel " || { modinfo "$ko"; return 1; }
}
# kernels.sh fetch: also installs the headers of the images' versions (root)
rels=$("$top/selftests/vm/kernels.sh" fetch | cut -d' ' -f1) || not_ok "kernels.sh fetch"
for rel in $rels; do
	check "dkms build of the packaged source for $rel" dkms_build "$rel"
done

# ---- the packaged nsm-vm runs the program against the packaged module ------
t0=$SECONDS
check "the root's nsm-vm runs the program against the module of the root's DKMS source" \
	bash -c 'cd "$1" && o=$(NSM_VM_MODULE_SRC=$2 NSM_KERNEL_CACHE=$3 "$root/usr/bin/nsm-vm" run \
		 --env LD_LIBRARY_PATH="$L" -- "$4") && echo "$o" && echo "$o" | grep -q "^module_id i-"' \
	_ "$out" "$src" "$top/.cache/kernels" "$consumer"
echo "# nsm-vm run took $((SECONDS - t0)) s"

echo "1..$n"
exit $failed
