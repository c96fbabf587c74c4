#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Build the Debian package (debian/) from a copy of the tree, so that the
# working tree gets no build files: `make deb`. The .deb and .buildinfo
# land in OUT (default build-deb/).
#   scripts/build-deb.sh [OUT]
set -eu
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-build-deb}")
src="$out/cgnat-src"

rm -rf "$out"
mkdir -p "$src"
# What git tracks plus what is new and not ignored: the tree as the
# engineer sees it, without build directories.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' _ |
		tar --null -T - -cf - | tar -C "$src" -xf -
else
	tar --exclude='./build*' --exclude=./.git -cf - . | tar -C "$src" -xf -
fi

cd "$src"
dpkg-buildpackage -us -uc -b
cd "$out"
rm -rf "$src"
ls -1 "$out"/*.deb
